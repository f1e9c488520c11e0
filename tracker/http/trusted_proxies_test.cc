#include "tracker/http/trusted_proxies.h"

#include "gtest/gtest.h"

namespace clicktrack::tracker {
namespace {

namespace ip = boost::asio::ip;

TEST(TrustedProxiesTest, AnUntrustedPeerIsTheClientWhateverItForwards) {
  const TrustedProxies proxies = *TrustedProxies::Parse("10.0.0.0/8");
  EXPECT_EQ(proxies.Client(ip::make_address("203.0.113.9"), "1.2.3.4"), "203.0.113.9");
}

TEST(TrustedProxiesTest, ATrustedProxyNamesTheRightMostUntrustedHop) {
  const TrustedProxies proxies = *TrustedProxies::Parse("127.0.0.1, 10.0.0.0/8,::1");
  // A client's own X-Forwarded-For (spoofed 6.6.6.6) is left of what the proxies appended.
  EXPECT_EQ(proxies.Client(ip::make_address("127.0.0.1"), "6.6.6.6, 198.51.100.7, 10.1.2.3"),
            "198.51.100.7");
  EXPECT_EQ(proxies.Client(ip::make_address("::1"), "2001:db8::5"), "2001:db8::5");
  EXPECT_EQ(proxies.Client(ip::make_address("::ffff:127.0.0.1"), "198.51.100.8"), "198.51.100.8");
  // No header, or a garbled one: the proxy itself is all that is known.
  EXPECT_EQ(proxies.Client(ip::make_address("127.0.0.1"), ""), "127.0.0.1");
  EXPECT_EQ(proxies.Client(ip::make_address("127.0.0.1"), "nonsense"), "127.0.0.1");
}

TEST(TrustedProxiesTest, NoListTrustsNobody) {
  const TrustedProxies proxies = *TrustedProxies::Parse("");
  EXPECT_FALSE(proxies.Trusts(ip::make_address("127.0.0.1")));
  EXPECT_EQ(proxies.Client(ip::make_address("127.0.0.1"), "1.2.3.4"), "127.0.0.1");
}

TEST(TrustedProxiesTest, EntriesThatAreNoAddressAreRefusedByName) {
  for (const char* list : {"localhost", "10.0.0.0/33", "10.0.0.1/8x", "1.2.3"}) {
    const absl::StatusOr<TrustedProxies> parsed = TrustedProxies::Parse(list);
    ASSERT_FALSE(parsed.ok()) << list;
    EXPECT_NE(parsed.status().message().find("--trusted-proxy"), std::string::npos);
  }
}

}  // namespace
}  // namespace clicktrack::tracker
