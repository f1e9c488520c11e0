#pragma once

// SHA-256, HMAC-SHA256 and comparisons of secrets: for signed requests (postbacks, Stripe
// webhooks), stored digests of tokens and e-mails, and ids made from content.

#include <array>
#include <string>

#include "absl/strings/string_view.h"

namespace clicktrack::tracker {

// The SHA-256 digest of `bytes`.
std::array<unsigned char, 32> Sha256(absl::string_view bytes);

// The first `size` bytes (at most 32) of `digest` as lower-case hex.
std::string HexOf(const std::array<unsigned char, 32>& digest, size_t size = 32);

// Lower-case hex HMAC-SHA256 of `message` with `key`.
std::string HmacSha256Hex(absl::string_view key, absl::string_view message);

// Whether `a` and `b` are equal, in time that depends only on their sizes.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

}  // namespace clicktrack::tracker
