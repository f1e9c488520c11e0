#include "tracker/id_generator.h"

#include <vector>

#include "absl/random/random.h"
#include "absl/strings/escaping.h"
#include <openssl/rand.h>

#include "attribution/check.h"

namespace clicktrack::tracker {
namespace {

absl::BitGen& ThreadBitGen() {
  thread_local absl::BitGen gen;
  return gen;
}

}  // namespace

attribution::Ulid IdGenerator::NewUlid(absl::Time time) {
  absl::BitGen& gen = ThreadBitGen();
  return attribution::Ulid::Make(time, absl::Uniform<uint64_t>(gen), absl::Uniform<uint64_t>(gen));
}

std::string IdGenerator::NewLinkCode(size_t size) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  absl::BitGen& gen = ThreadBitGen();
  std::string code(size, '0');
  for (char& c : code) {
    c = kAlphabet[absl::Uniform<size_t>(gen, 0, sizeof(kAlphabet) - 1)];
  }
  return code;
}

std::string NewSecretHex(size_t bytes) {
  std::vector<unsigned char> buffer(bytes);
  // Failure means the OS has no entropy to give: nothing safe can be done without it.
  CLICKTRACK_CHECK(RAND_bytes(buffer.data(), static_cast<int>(buffer.size())) == 1);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(buffer.data()), buffer.size()));
}

}  // namespace clicktrack::tracker
