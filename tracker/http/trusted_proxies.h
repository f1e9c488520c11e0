#pragma once

// Which peers may say who the client is: a reverse proxy (nginx in front, TLS ended there)
// passes the client's address in X-Forwarded-For, and only a proxy listed here is believed.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "boost/asio/ip/address.hpp"
#include "boost/asio/ip/network_v4.hpp"
#include "boost/asio/ip/network_v6.hpp"

namespace clicktrack::tracker {

class TrustedProxies {
 public:
  // A comma-separated list of addresses and CIDR blocks ("127.0.0.1,10.0.0.0/8,::1"); "" for
  // none. kInvalidArgument naming the entry that is neither.
  static absl::StatusOr<TrustedProxies> Parse(absl::string_view list);

  bool Trusts(const boost::asio::ip::address& address) const;

  // The client's address: `peer`, unless it is trusted, then the right-most address of
  // `forwarded_for` that is not a trusted proxy (each proxy appends the address it got the
  // request from; only what trusted proxies appended can be believed).
  std::string Client(const boost::asio::ip::address& peer, absl::string_view forwarded_for) const;

 private:
  std::vector<boost::asio::ip::network_v4> v4_;
  std::vector<boost::asio::ip::network_v6> v6_;
};

}  // namespace clicktrack::tracker
