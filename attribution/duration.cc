#include "attribution/duration.h"

namespace clicktrack::attribution {

absl::StatusOr<absl::Duration> ParseApiDuration(absl::string_view text) {
  absl::Duration duration;
  if (text.empty() || text.front() == '+' || !absl::ParseDuration(text, &duration)) {
    return absl::InvalidArgumentError("must be a duration such as \"720h\", \"90m\" or \"0\"");
  }
  if (duration < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("must not be negative");
  }
  // Ten thousand years is plenty; "inf" and overflowing values are refused.
  if (duration > absl::Hours(24 * 365 * 10000)) {
    return absl::InvalidArgumentError("is too long");
  }
  return duration;
}

std::string FormatApiDuration(absl::Duration duration) { return absl::FormatDuration(duration); }

}  // namespace clicktrack::attribution
