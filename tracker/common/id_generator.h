#pragma once

#include <string>

#include "absl/time/time.h"

#include "attribution/engine.h"
#include "attribution/ids.h"

namespace clicktrack::tracker {

// Mints ids. Thread-safe: each thread draws from its own generator, seeded from the OS.
class IdGenerator final : public attribution::IdSource {
 public:
  attribution::Ulid NewId(absl::Time time) override { return NewUlid(time); }
  // A ULID for `time` with 80 random bits: unique across restarts and nodes without
  // coordination. Does not allocate.
  attribution::Ulid NewUlid(absl::Time time);
  // A link code of `size` characters of [A-Za-z0-9] (62^8 ≈ 2·10^14 codes at size 8).
  std::string NewLinkCode(size_t size = 8);
};

// `bytes` random bytes from OpenSSL's CSPRNG as lower-case hex; for secrets (admin token).
std::string NewSecretHex(size_t bytes);

}  // namespace clicktrack::tracker
