#include "attribution/link.h"

#include "gtest/gtest.h"

namespace clicktrack::attribution {
namespace {

TEST(RedirectTemplateTest, AppendsToUrlWithoutQuery) {
  EXPECT_EQ(RedirectTemplate("https://shop.example.com/x").Expand("ID"),
            "https://shop.example.com/x?click_id=ID");
}

TEST(RedirectTemplateTest, AppendsAsLastParameter) {
  EXPECT_EQ(RedirectTemplate("https://shop.example.com/x?a=1&b=2").Expand("ID"),
            "https://shop.example.com/x?a=1&b=2&click_id=ID");
}

TEST(RedirectTemplateTest, ReplacesExistingClickId) {
  EXPECT_EQ(RedirectTemplate("https://s.example.com/?click_id=old&a=1&click_id=x").Expand("ID"),
            "https://s.example.com/?a=1&click_id=ID");
  // Only the exact key is replaced.
  EXPECT_EQ(RedirectTemplate("https://s.example.com/?my_click_id=1").Expand("ID"),
            "https://s.example.com/?my_click_id=1&click_id=ID");
}

TEST(RedirectTemplateTest, KeepsFragmentLast) {
  EXPECT_EQ(RedirectTemplate("https://s.example.com/p?a=1#pricing").Expand("ID"),
            "https://s.example.com/p?a=1&click_id=ID#pricing");
  EXPECT_EQ(RedirectTemplate("https://s.example.com/p#top?x=1").Expand("ID"),
            "https://s.example.com/p?click_id=ID#top?x=1");
}

TEST(RedirectTemplateTest, HandlesEmptyQueryAndStrayAmpersands) {
  EXPECT_EQ(RedirectTemplate("https://s.example.com/?").Expand("ID"),
            "https://s.example.com/?click_id=ID");
  EXPECT_EQ(RedirectTemplate("https://s.example.com/?a=1&&").Expand("ID"),
            "https://s.example.com/?a=1&click_id=ID");
}

TEST(RedirectTemplateTest, ReplacesEveryMacro) {
  const RedirectTemplate t("https://s.example.com/{click_id}?ref={click_id}&a=1");
  EXPECT_EQ(t.Expand("ID"), "https://s.example.com/ID?ref=ID&a=1");
  EXPECT_EQ(t.bare(), "https://s.example.com/?ref=&a=1");
}

TEST(RedirectTemplateTest, BareIsTheDestination) {
  EXPECT_EQ(RedirectTemplate("https://s.example.com/x?a=1").bare(), "https://s.example.com/x?a=1");
}

}  // namespace
}  // namespace clicktrack::attribution
