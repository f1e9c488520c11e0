#include "attribution/click.h"

#include <string>

#include "gtest/gtest.h"

namespace clicktrack::attribution {
namespace {

TEST(BotTest, FlagsPreviewFetchersAndMissingAgent) {
  for (const char* agent :
       {"", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Twitterbot/1.0", "TelegramBot (like TwitterBot)", "WhatsApp/2.23.20.0 A",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0)", "GOOGLEBOT"}) {
    EXPECT_TRUE(IsBotUserAgent(agent)) << agent;
  }
}

TEST(BotTest, PeopleAndCurlAreNotBots) {
  for (const char* agent :
       {"curl/7.88.1",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Instagram 300.0", "Wget/1.21"}) {
    EXPECT_FALSE(IsBotUserAgent(agent)) << agent;
  }
}

TEST(SubTest, CutsAt255BytesOnACharacterBoundary) {
  EXPECT_EQ(TruncateSub("abc"), "abc");
  EXPECT_EQ(TruncateSub(std::string(300, 'x')).size(), 255u);
  // 254 ASCII bytes then a 2-byte character: cutting at 255 would split it.
  const std::string value = std::string(254, 'x') + "\xC3\xA9" + "tail";
  EXPECT_EQ(TruncateSub(value), std::string(254, 'x'));
}

}  // namespace
}  // namespace clicktrack::attribution
