#include "tracker/common/query_string.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace clicktrack::tracker {
namespace {

TEST(QueryTest, SplitsTarget) {
  EXPECT_EQ(SplitTarget("/go/abc?x=1").path, "/go/abc");
  EXPECT_EQ(SplitTarget("/go/abc?x=1").query, "x=1");
  EXPECT_EQ(SplitTarget("/go/abc").query, "");
}

TEST(QueryTest, DecodesLeniently) {
  EXPECT_EQ(PercentDecode("a%20b+c"), "a b c");
  EXPECT_EQ(PercentDecode("100%"), "100%");
  EXPECT_EQ(PercentDecode("%zz%4"), "%zz%4");
  EXPECT_EQ(PercentDecode("%C3%A9"), "\xC3\xA9");
}

TEST(QueryTest, FindsParameters) {
  EXPECT_EQ(*QueryParam("sub1=a&sub2=b", "sub2"), "b");
  EXPECT_EQ(*QueryParam("sub1=a&sub1=b", "sub1"), "a");
  EXPECT_EQ(*QueryParam("flag&x=1", "flag"), "");
  EXPECT_EQ(*QueryParam("s%75b1=x", "sub1"), "x");
  EXPECT_FALSE(QueryParam("sub10=a", "sub1").has_value());
  EXPECT_FALSE(QueryParam("", "sub1").has_value());
}

TEST(QueryTest, VisitsEachParameterInOrderUntilStopped) {
  std::vector<std::pair<std::string, std::string>> seen;
  ForEachQueryParam("a=1&&b%5F=x%20y&flag&c=3", [&](absl::string_view name, absl::string_view raw) {
    seen.emplace_back(name, raw);
    return name != "flag";
  });
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"a", "1"}, {"b_", "x%20y"}, {"flag", ""}};
  EXPECT_EQ(seen, expected);
}

// Defect 10 of issue 10: only a literal "token=" after '?' or '&' was redacted, while the
// route decodes names: %74oken= authenticated and was logged in clear.
TEST(QueryTest, RedactsSecretsByDecodedNameInAnySpelling) {
  const std::string secret = "s3cret-postback-token";
  for (const std::string& target :
       {"/postback?token=" + secret, "/postback?a=1&%74oken=" + secret, "/postback?Token=" + secret,
        "/postback?a=1;token=" + secret, "/postback?%54%4F%4B%45%4E=" + secret + "&b=2",
        "/postback?tok%65n=" + secret}) {
    const std::string redacted = RedactSecrets(target);
    EXPECT_FALSE(absl::StrContains(redacted, secret)) << redacted;
    EXPECT_TRUE(absl::StrContains(redacted, "REDACTED")) << redacted;
  }
  EXPECT_EQ(RedactSecrets("/postback?a=1&token=x;b=2"), "/postback?a=1&token=REDACTED;b=2");
  EXPECT_EQ(RedactSecrets("/go/abc?sub1=tokens"), "/go/abc?sub1=tokens");
  EXPECT_EQ(RedactSecrets("/healthz"), "/healthz");
}

TEST(CookieTest, FindsCookie) {
  EXPECT_EQ(*FindCookie("a=1; tc_cid=XYZ; b=2", "tc_cid"), "XYZ");
  EXPECT_EQ(*FindCookie("tc_cid=\"Q\"", "tc_cid"), "Q");
  EXPECT_FALSE(FindCookie("xtc_cid=1", "tc_cid").has_value());
  EXPECT_FALSE(FindCookie("", "tc_cid").has_value());
  EXPECT_FALSE(FindCookie(";;;=;", "tc_cid").has_value());
}

}  // namespace
}  // namespace clicktrack::tracker
