#pragma once

// Outgoing HTTP(S) GETs (SPEC §4.7, postbacks to partners): many at once on one thread, each
// with a deadline, a refused-address check after name resolution, and a body read only up to
// a small limit and then dropped.

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace clicktrack::tracker {

struct OutgoingGet {
  std::string url;  // absolute http(s) URL
  std::vector<std::pair<std::string, std::string>> headers;
};

struct OutgoingResult {
  int status = 0;        // the answer's HTTP status; 0 when there was none
  std::string error;     // why there was no answer ("" when there was one)
  bool refused = false;  // never sent: the host resolved to a refused address (`error` says)
};

struct OutgoingOptions {
  absl::Duration timeout = absl::Seconds(10);  // for the whole exchange, resolution included
  size_t max_body_bytes = 4096;                // read, then dropped
  // When set, an IPv4 address (host byte order) it returns true for is never connected to,
  // nor an IPv6 loopback, link-local or unique-local one: the request fails with that reason.
  std::function<bool(uint32_t)> refuse_ipv4;
  std::string user_agent = "clicktrack-postback/1";
};

// Sends every request at once and waits for all; results in the same order.
std::vector<OutgoingResult> SendAll(const std::vector<OutgoingGet>& requests,
                                    const OutgoingOptions& options);

}  // namespace clicktrack::tracker
