#pragma once

// Identifiers: ULIDs for the ids this tracker mints (clicks, customers, conversions), and
// the validation rules for the ids and codes that clients choose (programs, partners, links).

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace clicktrack::attribution {

// A ULID: 48 bits of Unix milliseconds, then 80 random bits. Its 26-character Crockford
// base32 text sorts like its time, and so does its 16-byte big-endian binary form, which
// is what keys in the store hold.
struct Ulid {
  uint64_t hi = 0;  // 48-bit milliseconds << 16 | top 16 random bits
  uint64_t lo = 0;  // low 64 random bits

  static constexpr size_t kTextSize = 26;
  static constexpr size_t kBinarySize = 16;

  // Builds a ULID from a time (clamped to the 48-bit millisecond range) and 80 random bits
  // given as `random_hi` (low 16 bits used) and `random_lo`. Pure; does not allocate.
  static Ulid Make(absl::Time time, uint64_t random_hi, uint64_t random_lo);

  // Parses the canonical text form: exactly 26 characters of the upper-case Crockford
  // alphabet (no I, L, O, U), first character 0-7. Returns nullopt otherwise: that is what
  // "an id this tracker could have minted" means for cookies.
  static std::optional<Ulid> FromText(absl::string_view text);
  // Decodes the 16-byte binary form; nullopt if `bytes` is not 16 bytes long.
  static std::optional<Ulid> FromBinary(absl::string_view bytes);

  std::array<char, kTextSize> Text() const;
  std::array<char, kBinarySize> Binary() const;
  std::string ToString() const;

  absl::Time time() const { return absl::FromUnixMillis(static_cast<int64_t>(hi >> 16)); }

  friend bool operator==(const Ulid&, const Ulid&) = default;
  friend auto operator<=>(const Ulid&, const Ulid&) = default;
};

// Client-chosen ids (program ids, partner ids, link codes): 1 to 64 characters of
// [A-Za-z0-9_-], so they are safe in paths, keys and logs without escaping.
inline constexpr size_t kMaxIdentifierSize = 64;
bool IsValidIdentifier(absl::string_view id);

// Returns kInvalidArgument naming `field` when `id` is not a valid identifier.
absl::Status ValidateIdentifier(absl::string_view field, absl::string_view id);

}  // namespace clicktrack::attribution
