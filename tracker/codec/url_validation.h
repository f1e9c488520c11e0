#pragma once

// URL checks of the admin API (Boost.URL parses; the host rule is attribution's).

#include <cstdint>
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

// Whether an IPv4 address (host byte order) is one a partner's postback must not reach
// (SPEC §4.7): loopback 127/8, private 10/8, 172.16/12 and 192.168/16, link-local
// 169.254/16, and 0/8 (connecting to 0.0.0.0 reaches this host).
bool IsPrivateIpv4(uint32_t address);

enum class PrivateHosts { kAllowed, kRefused };

// A partner's postback URL: an absolute http(s) URL; "{macro}" placeholders are allowed. With
// kRefused, a host that is an IPv4 address in private space (IsPrivateIpv4) is refused too.
// Empty is fine (no postback). kInvalidArgument naming `field` otherwise.
absl::Status ValidatePostbackUrl(absl::string_view field, absl::string_view url,
                                 PrivateHosts private_hosts);

}  // namespace clicktrack::tracker
