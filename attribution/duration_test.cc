#include "attribution/duration.h"

#include "gtest/gtest.h"

namespace clicktrack::attribution {
namespace {

TEST(DurationTest, ParsesGoForms) {
  EXPECT_EQ(*ParseApiDuration("720h"), absl::Hours(720));
  EXPECT_EQ(*ParseApiDuration("90m"), absl::Minutes(90));
  EXPECT_EQ(*ParseApiDuration("2s"), absl::Seconds(2));
  EXPECT_EQ(*ParseApiDuration("1h30m"), absl::Minutes(90));
  EXPECT_EQ(*ParseApiDuration("0"), absl::ZeroDuration());
}

TEST(DurationTest, RejectsNegativeInfiniteAndGarbage) {
  for (const char* bad :
       {"", "-1h", "inf", "-inf", "720", "h", "1d", "1 h", "+1h", "abc", "100000000h"}) {
    EXPECT_FALSE(ParseApiDuration(bad).ok()) << bad;
  }
}

TEST(DurationTest, FormatsCanonically) {
  EXPECT_EQ(FormatApiDuration(absl::Hours(720)), "720h");
  EXPECT_EQ(FormatApiDuration(absl::Minutes(90)), "1h30m");
  EXPECT_EQ(FormatApiDuration(absl::ZeroDuration()), "0");
  for (const char* text : {"720h", "90m", "2s", "0"}) {
    EXPECT_EQ(*ParseApiDuration(FormatApiDuration(*ParseApiDuration(text))),
              *ParseApiDuration(text));
  }
}

}  // namespace
}  // namespace clicktrack::attribution
