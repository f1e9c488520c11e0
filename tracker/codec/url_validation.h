#pragma once

// URL checks of the admin API (Boost.URL parses; the host rule is attribution's).

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace clicktrack::tracker {

// A link destination: an absolute http(s) URL of at most attribution::kMaxUrlSize bytes, with
// a host name (no user info, no IPv6 literal) in `allowed_hosts`. The macro "{click_id}" may
// appear anywhere. kInvalidArgument naming `field` otherwise.
absl::Status ValidateDestination(absl::string_view field, absl::string_view url,
                                 const std::vector<std::string>& allowed_hosts);

// A partner's postback URL: an absolute http(s) URL; "{macro}" placeholders are allowed.
// Empty is fine (no postback). kInvalidArgument naming `field` otherwise.
absl::Status ValidatePostbackUrl(absl::string_view field, absl::string_view url);

}  // namespace clicktrack::tracker
