#include "attribution/ids.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace clicktrack::attribution {
namespace {

constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr uint64_t kMaxMillis = (uint64_t{1} << 48) - 1;

// Maps an upper-case Crockford character to its value, or -1.
constexpr std::array<int8_t, 256> MakeDecodeTable() {
  std::array<int8_t, 256> table{};
  for (auto& v : table) {
    v = -1;
  }
  for (int i = 0; i < 32; ++i) {
    table[static_cast<unsigned char>(kCrockford[i])] = static_cast<int8_t>(i);
  }
  return table;
}
constexpr std::array<int8_t, 256> kDecode = MakeDecodeTable();

}  // namespace

Ulid Ulid::Make(absl::Time time, uint64_t random_hi, uint64_t random_lo) {
  const int64_t millis = absl::ToUnixMillis(time);
  const uint64_t clamped =
      millis < 0 ? 0 : std::min<uint64_t>(static_cast<uint64_t>(millis), kMaxMillis);
  return Ulid{.hi = (clamped << 16) | (random_hi & 0xFFFF), .lo = random_lo};
}

std::optional<Ulid> Ulid::FromText(absl::string_view text) {
  if (text.size() != kTextSize) {
    return std::nullopt;
  }
  // 26 characters carry 130 bits; the first carries only 3 (the top two must be zero).
  unsigned __int128 value = 0;
  for (size_t i = 0; i < kTextSize; ++i) {
    const int8_t digit = kDecode[static_cast<unsigned char>(text[i])];
    if (digit < 0 || (i == 0 && digit > 7)) {
      return std::nullopt;
    }
    value = (value << 5) | static_cast<unsigned>(digit);
  }
  return Ulid{.hi = static_cast<uint64_t>(value >> 64), .lo = static_cast<uint64_t>(value)};
}

std::optional<Ulid> Ulid::FromBinary(absl::string_view bytes) {
  if (bytes.size() != kBinarySize) {
    return std::nullopt;
  }
  Ulid id;
  for (size_t i = 0; i < 8; ++i) {
    id.hi = (id.hi << 8) | static_cast<unsigned char>(bytes[i]);
    id.lo = (id.lo << 8) | static_cast<unsigned char>(bytes[8 + i]);
  }
  return id;
}

std::array<char, Ulid::kTextSize> Ulid::Text() const {
  std::array<char, kTextSize> out;
  unsigned __int128 value = (static_cast<unsigned __int128>(hi) << 64) | lo;
  for (size_t i = kTextSize; i-- > 0;) {
    out[i] = kCrockford[static_cast<unsigned>(value & 31)];
    value >>= 5;
  }
  return out;
}

std::array<char, Ulid::kBinarySize> Ulid::Binary() const {
  std::array<char, kBinarySize> out;
  for (size_t i = 0; i < 8; ++i) {
    out[i] = static_cast<char>(hi >> (56 - 8 * i));
    out[8 + i] = static_cast<char>(lo >> (56 - 8 * i));
  }
  return out;
}

std::string Ulid::ToString() const {
  const auto text = Text();
  return std::string(text.data(), text.size());
}

bool IsValidIdentifier(absl::string_view id) {
  if (id.empty() || id.size() > kMaxIdentifierSize) {
    return false;
  }
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

absl::Status ValidateIdentifier(absl::string_view field, absl::string_view id) {
  if (IsValidIdentifier(id)) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(field, ": must be 1 to ", kMaxIdentifierSize,
                                                 " characters of A-Z, a-z, 0-9, '_' or '-'"));
}

}  // namespace clicktrack::attribution
