#include "tracker/common/id_generator.h"

#include <vector>

#include "absl/random/random.h"
#include "absl/strings/escaping.h"
#include <openssl/rand.h>

#include "attribution/base/check.h"

namespace clicktrack::tracker {
namespace {

absl::BitGen& ThreadBitGen() {
  thread_local absl::BitGen gen;
  return gen;
}

}  // namespace

attribution::Ulid IdGenerator::NewUlid(absl::Time time) {
  // Monotonic within a millisecond and a thread (the ULID spec's monotonic mode): ids minted
  // one after another for the same millisecond sort in minting order, so a ledger written by
  // the committer lists same-millisecond entries newest first too.
  struct Last {
    int64_t millis = -1;
    attribution::Ulid id;
  };
  thread_local Last last;
  const int64_t millis = absl::ToUnixMillis(time);
  if (millis == last.millis) {
    attribution::Ulid next = last.id;
    if (++next.lo == 0) {
      next.hi = (next.hi & ~uint64_t{0xFFFF}) | ((next.hi + 1) & 0xFFFF);
    }
    last.id = next;
    return next;
  }
  absl::BitGen& gen = ThreadBitGen();
  // The top random bit starts clear, so that 2^79 increments fit before the 80 bits wrap.
  last.millis = millis;
  last.id = attribution::Ulid::Make(time, absl::Uniform<uint64_t>(gen) & 0x7FFF,
                                    absl::Uniform<uint64_t>(gen));
  return last.id;
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
