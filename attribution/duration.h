#pragma once

// Durations of the API: Go/Abseil strings ("720h", "90m", "2s", "1h30m"); "0" is zero,
// which means "forever" where a lifetime is meant.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace clicktrack::attribution {

// Parses a non-negative, finite duration. Negative values, "inf", bare numbers other than
// "0" and garbage are kInvalidArgument (message without the field name).
absl::StatusOr<absl::Duration> ParseApiDuration(absl::string_view text);

// The canonical Go form: 720h -> "720h", 90m -> "1h30m", zero -> "0".
std::string FormatApiDuration(absl::Duration duration);

}  // namespace clicktrack::attribution
