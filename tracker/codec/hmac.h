#pragma once

// HMAC-SHA256 and comparisons of secrets, for signed requests (postbacks, Stripe webhooks).

#include <string>

#include "absl/strings/string_view.h"

namespace clicktrack::tracker {

// Lower-case hex HMAC-SHA256 of `message` with `key`.
std::string HmacSha256Hex(absl::string_view key, absl::string_view message);

// Whether `a` and `b` are equal, in time that depends only on their sizes.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

}  // namespace clicktrack::tracker
