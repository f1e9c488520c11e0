#include "tracker/codec/url_validation.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace clicktrack::tracker {
namespace {

const std::vector<std::string> kAllowed = {"shop.example.com", "*.acme.io"};

TEST(DestinationTest, AcceptsAllowedHttpUrls) {
  for (const char* url : {"https://shop.example.com/x?a=1", "http://shop.example.com",
                          "https://shop.example.com:8443/p#frag", "https://app.acme.io/{click_id}",
                          "HTTPS://SHOP.EXAMPLE.COM/", "https://shop.example.com/?c={click_id}"}) {
    EXPECT_TRUE(ValidateDestination("destination", url, kAllowed).ok()) << url;
  }
}

TEST(DestinationTest, RefusesOpenRedirectsAndOtherSchemes) {
  for (const char* url :
       {"", "javascript:alert(1)", "ftp://shop.example.com/", "//shop.example.com/x",
        "https://evil.com/", "https://acme.io/", "https://shop.example.com@evil.com/",
        "https://user:pw@shop.example.com/", "https://shop.example.com.evil.com/",
        "https://shop.example.com/a b", "https://shop.example.com/\r\nX: y", "https://[::1]/",
        "https://shop.example.com/{other}", "shop.example.com/x", "https://sh%6Fp.example.com/"}) {
    const absl::Status status = ValidateDestination("destination", url, kAllowed);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << url;
    EXPECT_EQ(status.message().substr(0, 12), "destination:") << url;
  }
  EXPECT_FALSE(ValidateDestination("destination",
                                   "https://shop.example.com/" + std::string(3000, 'a'), kAllowed)
                   .ok());
}

// Defect 14 of issue 10: destinations with invalid ports were accepted.
TEST(DestinationTest, RefusesInvalidPorts) {
  const std::vector<std::string> hosts = {"shop.example.com"};
  for (const char* url : {"https://shop.example.com:99999/", "https://shop.example.com:-1/",
                          "https://shop.example.com:x/", "https://shop.example.com:1:2/",
                          "https://shop.example.com:0/", "https://shop.example.com:000080000/"}) {
    const absl::Status status = ValidateDestination("destination", url, hosts);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << url;
  }
  for (const char* url : {"https://shop.example.com:8443/x", "https://shop.example.com:/x",
                          "http://shop.example.com:65535/"}) {
    EXPECT_TRUE(ValidateDestination("destination", url, hosts).ok()) << url;
  }
}

constexpr PrivateHosts kRefused = PrivateHosts::kRefused;

TEST(PostbackUrlTest, AllowsMacrosAndEmpty) {
  EXPECT_TRUE(ValidatePostbackUrl("postback_url", "", kRefused).ok());
  EXPECT_TRUE(ValidatePostbackUrl("postback_url",
                                  "https://partner.example/pb?cid={click_id}&a={amount}", kRefused)
                  .ok());
  EXPECT_FALSE(ValidatePostbackUrl("postback_url", "mailto:x@example.com", kRefused).ok());
}

// SPEC §4.7: no postback into the tracker's own network, unless --block-private-postbacks=false.
TEST(PostbackUrlTest, RefusesPrivateAddressesUnlessAllowed) {
  for (const char* url : {"http://127.0.0.1:9000/pb", "http://10.1.2.3/pb", "http://172.16.0.1/pb",
                          "http://172.31.255.255/pb", "http://192.168.1.1/pb",
                          "http://169.254.169.254/latest", "http://0.0.0.0:8080/"}) {
    const absl::Status refused = ValidatePostbackUrl("postback_url", url, kRefused);
    EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << url;
    EXPECT_TRUE(absl::StartsWith(refused.message(), "postback_url: host ")) << refused;
    EXPECT_TRUE(ValidatePostbackUrl("postback_url", url, PrivateHosts::kAllowed).ok()) << url;
  }
  for (const char* url : {"http://172.32.0.1/pb", "http://8.8.8.8/pb", "http://192.169.0.1/",
                          "https://partner.example/pb"}) {
    EXPECT_TRUE(ValidatePostbackUrl("postback_url", url, kRefused).ok()) << url;
  }
  EXPECT_TRUE(IsPrivateIpv4(0x7F000001));
  EXPECT_FALSE(IsPrivateIpv4(0x08080808));
}

}  // namespace
}  // namespace clicktrack::tracker
