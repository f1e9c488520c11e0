#include "tracker/codec/url_validation.h"

#include <algorithm>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "boost/url/parse.hpp"

#include "attribution/link.h"
#include "attribution/program.h"
#include "tracker/codec/invalid.h"

namespace clicktrack::tracker {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Replaces every "{name}" placeholder by "x", so that the rest can be parsed as a URI.
std::string WithoutMacros(absl::string_view url) {
  std::string out;
  out.reserve(url.size());
  for (size_t i = 0; i < url.size(); ++i) {
    if (url[i] == '{') {
      const size_t close = url.find('}', i);
      if (close != absl::string_view::npos) {
        out.push_back('x');
        i = close;
        continue;
      }
    }
    out.push_back(url[i]);
  }
  return out;
}

struct ParsedHttpUrl {
  std::string host;              // as written, not yet lower-cased
  std::optional<uint32_t> ipv4;  // the host, when it is an IPv4 address
};

// Checks `url` (size, characters) and parses `candidate`, which is `url` with its allowed
// placeholders replaced.
absl::Status ParseHttpUrl(absl::string_view field, absl::string_view url,
                          const std::string& candidate, ParsedHttpUrl& parsed) {
  if (url.empty()) {
    return Invalid(field, "is required");
  }
  if (url.size() > attribution::kMaxUrlSize) {
    return Invalid(field, absl::StrCat("must be at most ", attribution::kMaxUrlSize, " bytes"));
  }
  if (std::any_of(url.begin(), url.end(),
                  [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; })) {
    return Invalid(field, "must not contain spaces or control characters");
  }
  const auto result = boost::urls::parse_uri(candidate);
  if (!result.has_value()) {
    return Invalid(field, "must be an absolute http(s) URL");
  }
  const boost::urls::url_view& view = *result;
  const std::string scheme = absl::AsciiStrToLower(std::string(view.scheme()));
  if (scheme != "http" && scheme != "https") {
    return Invalid(field, "must be an http or https URL");
  }
  if (!view.has_authority() || view.encoded_host().empty()) {
    return Invalid(field, "must have a host");
  }
  if (view.has_userinfo()) {
    return Invalid(field, "must not contain user info (user:password@)");
  }
  if (view.host_type() == boost::urls::host_type::ipv6 ||
      view.host_type() == boost::urls::host_type::ipvfuture) {
    return Invalid(field, "must use a host name or IPv4 address, not an IPv6 literal");
  }
  const auto host = view.encoded_host();
  if (host.find('%') != boost::urls::string_view::npos) {
    return Invalid(field, "must not percent-encode its host");
  }
  const absl::string_view port(view.port().data(), view.port().size());  // "" if none
  int number = 0;
  if (host.find(':') != boost::urls::string_view::npos ||
      (!port.empty() && (port.size() > 5 || !std::all_of(port.begin(), port.end(), IsDigit) ||
                         !absl::SimpleAtoi(port, &number) || number < 1 || number > 65535))) {
    return Invalid(field, "must have a port from 1 to 65535");
  }
  // Boost.URL takes "host:-1/x" as an empty port and the path "-1/x"; RFC 3986 does not.
  if (const auto path = view.encoded_path(); !path.empty() && path.front() != '/') {
    return Invalid(field, "must have a port from 1 to 65535, then a path starting with /");
  }
  parsed.host.assign(host.data(), host.size());
  if (view.host_type() == boost::urls::host_type::ipv4) {
    parsed.ipv4 = view.host_ipv4_address().to_uint();
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateDestination(absl::string_view field, absl::string_view url,
                                 const std::vector<std::string>& allowed_hosts) {
  // Only {click_id} is expanded at redirect time; any other brace fails to parse.
  const std::string candidate = absl::StrReplaceAll(url, {{attribution::kClickIdMacro, "x"}});
  ParsedHttpUrl parsed;
  if (absl::Status status = ParseHttpUrl(field, url, candidate, parsed); !status.ok()) {
    return status;
  }
  if (!attribution::IsHostAllowed(allowed_hosts, parsed.host)) {
    return Invalid(field, absl::StrCat("host ", absl::AsciiStrToLower(parsed.host),
                                       " is not in the program's allowed_hosts"));
  }
  return absl::OkStatus();
}

bool IsPrivateIpv4(uint32_t address) {
  const auto in = [address](uint32_t network, int prefix_bits) {
    const uint32_t mask = ~uint32_t{0} << (32 - prefix_bits);
    return (address & mask) == network;
  };
  return in(0x00000000, 8) || in(0x0A000000, 8) || in(0x7F000000, 8) || in(0xA9FE0000, 16) ||
         in(0xAC100000, 12) || in(0xC0A80000, 16);
}

absl::Status ValidatePostbackUrl(absl::string_view field, absl::string_view url,
                                 PrivateHosts private_hosts) {
  if (url.empty()) {
    return absl::OkStatus();
  }
  ParsedHttpUrl parsed;
  if (absl::Status status = ParseHttpUrl(field, url, WithoutMacros(url), parsed); !status.ok()) {
    return status;
  }
  if (private_hosts == PrivateHosts::kRefused && parsed.ipv4.has_value() &&
      IsPrivateIpv4(*parsed.ipv4)) {
    return Invalid(field, absl::StrCat("host ", parsed.host,
                                       " is a loopback, private or link-local address; partner "
                                       "postbacks go to public hosts (see "
                                       "--block-private-postbacks)"));
  }
  return absl::OkStatus();
}

}  // namespace clicktrack::tracker
