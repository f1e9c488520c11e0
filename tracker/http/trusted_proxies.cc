#include "tracker/http/trusted_proxies.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace clicktrack::tracker {

namespace ip = boost::asio::ip;

namespace {

// Whether `host` (a network of one address) is one of `networks` or inside one.
template <typename Network>
bool InAny(const Network& host, const std::vector<Network>& networks) {
  return std::any_of(networks.begin(), networks.end(), [&](const Network& network) {
    return host == network || host.is_subnet_of(network);
  });
}

}  // namespace

absl::StatusOr<TrustedProxies> TrustedProxies::Parse(absl::string_view list) {
  TrustedProxies proxies;
  for (absl::string_view entry : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    entry = absl::StripAsciiWhitespace(entry);
    const std::string text(entry);
    boost::system::error_code ec;
    if (entry.find('/') == absl::string_view::npos) {
      const ip::address address = ip::make_address(text, ec);
      if (!ec && address.is_v4()) {
        proxies.v4_.push_back(ip::make_network_v4(address.to_v4(), 32));
        continue;
      }
      if (!ec) {
        proxies.v6_.push_back(ip::make_network_v6(address.to_v6(), 128));
        continue;
      }
    } else if (ip::network_v4 v4 = ip::make_network_v4(text, ec); !ec) {
      proxies.v4_.push_back(v4.canonical());
      continue;
    } else if (ip::network_v6 v6 = ip::make_network_v6(text, ec); !ec) {
      proxies.v6_.push_back(v6.canonical());
      continue;
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "--trusted-proxy: \"", entry, "\" is not an IP address or a CIDR block (10.0.0.0/8)"));
  }
  return proxies;
}

bool TrustedProxies::Trusts(const ip::address& address) const {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return Trusts(ip::make_address_v4(ip::v4_mapped, address.to_v6()));
  }
  return address.is_v4() ? InAny(ip::network_v4(address.to_v4(), 32), v4_)
                         : InAny(ip::network_v6(address.to_v6(), 128), v6_);
}

std::string TrustedProxies::Client(const ip::address& peer, absl::string_view forwarded_for) const {
  if (!Trusts(peer)) {
    return peer.to_string();
  }
  std::vector<absl::string_view> hops = absl::StrSplit(forwarded_for, ',', absl::SkipWhitespace());
  std::string client = peer.to_string();
  for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
    boost::system::error_code ec;
    const ip::address address = ip::make_address(std::string(absl::StripAsciiWhitespace(*hop)), ec);
    if (ec) {
      break;  // a malformed hop: what is left of it cannot be believed
    }
    client = address.to_string();
    if (!Trusts(address)) {
      break;
    }
  }
  return client;
}

}  // namespace clicktrack::tracker
