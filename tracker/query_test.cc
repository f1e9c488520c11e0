#include "tracker/query.h"

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

#include "tracker/conversion_request.h"

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

TEST(QueryTest, ConversionFieldsFromOnePass) {
  const ConversionFields fields = FieldsFromQuery(
      "program=acme&order_id=o%2F1&amount=9.90&order_id=second&utm_source=x&em%61il=A%40b.c");
  EXPECT_EQ(fields.at("program"), "acme");
  EXPECT_EQ(fields.at("order_id"), "o/1");  // the first occurrence wins
  EXPECT_EQ(fields.at("amount"), "9.90");
  EXPECT_EQ(fields.at("email"), "A@b.c");  // names are decoded too
  EXPECT_FALSE(fields.contains("utm_source"));
  EXPECT_EQ(fields.size(), 4u);
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
