// GET/HEAD /go/{code} against a real trackerd: Location, cookie, sub-ids, bots, durability.

#include <signal.h>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

#include "attribution/ids.h"
#include "tests/integration_fixture.h"

namespace clicktrack::testing {
namespace {

class RedirectTest : public TrackerdTest {
 protected:
  void SetUp() override {
    TrackerdTest::SetUp();
    SeedProgram();
  }
};

// The value of the click_id parameter that ends `location` (before any fragment).
std::string ClickIdOf(const std::string& location) {
  const size_t at = location.rfind("click_id=");
  if (at == std::string::npos) {
    return "";
  }
  return location.substr(at + 9, location.find('#', at) - at - 9);
}

TEST_F(RedirectTest, AppendsClickIdToADestinationWithoutQuery) {
  MakeLink("plain", "https://shop.example.com/pricing");
  const HttpResult result = Click("/go/plain");
  ASSERT_EQ(result.status, 302);
  const std::string location = result.Header("location");
  EXPECT_TRUE(absl::StartsWith(location, "https://shop.example.com/pricing?click_id=")) << location;
  EXPECT_TRUE(attribution::Ulid::FromText(ClickIdOf(location)).has_value()) << location;
  EXPECT_EQ(result.Header("cache-control"), "no-store");
}

TEST_F(RedirectTest, AppendsLastAndReplacesAnExistingClickId) {
  MakeLink("query", "https://shop.example.com/p?a=1&click_id=stale&b=2#reviews");
  const std::string location = Click("/go/query").Header("location");
  EXPECT_TRUE(absl::StartsWith(location, "https://shop.example.com/p?a=1&b=2&click_id="))
      << location;
  EXPECT_TRUE(absl::EndsWith(location, "#reviews")) << location;
  EXPECT_FALSE(absl::StrContains(location, "stale"));
  EXPECT_EQ(ClickIdOf(location).size(), 26u);
}

TEST_F(RedirectTest, ReplacesTheMacro) {
  MakeLink("macro", "https://app.acme.io/signup/{click_id}?ref=x");
  const std::string location = Click("/go/macro").Header("location");
  const std::vector<std::string> parts = absl::StrSplit(location, '/');
  ASSERT_GE(parts.size(), 5u) << location;
  const std::string id = parts[4].substr(0, parts[4].find('?'));
  EXPECT_TRUE(attribution::Ulid::FromText(id).has_value()) << location;
  EXPECT_TRUE(absl::EndsWith(location, "?ref=x")) << location;
  EXPECT_FALSE(absl::StrContains(location, "{click_id}"));
}

TEST_F(RedirectTest, SetsTheCustomerCookie) {
  MakeLink("c", "https://shop.example.com/");
  const HttpResult first = Click("/go/c");
  const std::string cookie = first.Header("set-cookie");
  const std::vector<absl::string_view> attributes = absl::StrSplit(cookie, "; ");
  ASSERT_GE(attributes.size(), 5u) << cookie;
  ASSERT_TRUE(absl::StartsWith(attributes[0], "tc_cid=")) << cookie;
  EXPECT_TRUE(attribution::Ulid::FromText(attributes[0].substr(7)).has_value()) << cookie;
  // A new visitor's customer id is the id of the click that brought them.
  EXPECT_EQ(attributes[0].substr(7), ClickIdOf(first.Header("location"))) << cookie;
  EXPECT_TRUE(absl::StrContains(cookie, "; Max-Age=34560000")) << cookie;
  EXPECT_TRUE(absl::StrContains(cookie, "; Path=/")) << cookie;
  EXPECT_TRUE(absl::StrContains(cookie, "; HttpOnly")) << cookie;
  EXPECT_TRUE(absl::StrContains(cookie, "; SameSite=Lax")) << cookie;  // public URL is http
  EXPECT_FALSE(absl::StrContains(cookie, "Secure")) << cookie;
}

TEST_F(RedirectTest, HttpsPublicUrlMakesTheCookieCrossSite) {
  StartTrackerd({"--public-url", "https://t.example.com"});
  MakeLink("s", "https://shop.example.com/");
  const std::string cookie = Click("/go/s").Header("set-cookie");
  EXPECT_TRUE(absl::StrContains(cookie, "; SameSite=None; Secure")) << cookie;
}

TEST_F(RedirectTest, ReusesAWellFormedCookieAndReplacesAForgedOne) {
  MakeLink("r", "https://shop.example.com/");
  const std::string mine = "01KAT9QKX1B0000000000000AB";
  const HttpResult reused = Click("/go/r", {kBrowserAgent, "Cookie: other=1; tc_cid=" + mine});
  EXPECT_TRUE(absl::StartsWith(reused.Header("set-cookie"), "tc_cid=" + mine + ";"));
  for (const char* forged : {"tc_cid=not-an-id", "tc_cid=01kat9qkx1b0000000000000ab",
                             "tc_cid=8ZZZZZZZZZZZZZZZZZZZZZZZZZ", "tc_cid="}) {
    const std::string cookie =
        Click("/go/r", {kBrowserAgent, std::string("Cookie: ") + forged}).Header("set-cookie");
    EXPECT_FALSE(absl::StartsWith(cookie, std::string(forged) + ";")) << forged;
    EXPECT_TRUE(attribution::Ulid::FromText(cookie.substr(7, 26)).has_value()) << cookie;
  }
}

TEST_F(RedirectTest, HeadAnswersTheBareDestinationAndLogsNoClick) {
  MakeLink("h", "https://shop.example.com/h?x=1");
  const HttpResult head = Send("HEAD", "/go/h", "", {kBrowserAgent});
  EXPECT_EQ(head.status, 302);
  EXPECT_EQ(head.Header("location"), "https://shop.example.com/h?x=1");
  EXPECT_EQ(head.Header("set-cookie"), "");
  EXPECT_EQ(StatsField("clicks"), 0);
  EXPECT_EQ(Click("/go/h").status, 302);
  EXPECT_EQ(StatsField("clicks"), 1);
}

TEST_F(RedirectTest, UnknownAndDisabledCodesAre404) {
  MakeLink("off", "https://shop.example.com/");
  EXPECT_EQ(Click("/go/nothing").status, 404);
  EXPECT_EQ(Click("/go/bad%20code").status, 404);
  EXPECT_EQ(Click("/go/").status, 404);
  ASSERT_EQ(Call("PATCH", "/api/v1/programs/acme/links/off", R"({"active": false})").status, 200);
  const HttpResult disabled = Click("/go/off");
  EXPECT_EQ(disabled.status, 404);
  EXPECT_TRUE(absl::StartsWith(disabled.Header("content-type"), "text/plain"));
  EXPECT_EQ(Send("HEAD", "/go/off").status, 404);
  ASSERT_EQ(Call("PATCH", "/api/v1/programs/acme/links/off", R"({"active": true})").status, 200);
  EXPECT_EQ(Click("/go/off").status, 302);
}

TEST_F(RedirectTest, SubIdsNeverBreakARedirect) {
  MakeLink("subs", "https://shop.example.com/");
  const std::string long_sub(5000, 'x');
  EXPECT_EQ(Click("/go/subs?sub1=a%20b&sub2=%zz&sub3=" + long_sub + "&sub4=%E2%9C%93&sub5=&sub6=x")
                .status,
            302);
  EXPECT_EQ(StatsField("clicks"), 1);
}

TEST_F(RedirectTest, BotsGetTheRedirectButAreNotCounted) {
  MakeLink("b", "https://shop.example.com/");
  for (const char* agent :
       {"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "facebookexternalhit/1.1",
        "Twitterbot/1.0", "TelegramBot (like TwitterBot)", "WhatsApp/2.23.20.0",
        "Mozilla/5.0 (compatible; Googlebot/2.1)"}) {
    const HttpResult result = Click("/go/b", {std::string("User-Agent: ") + agent});
    EXPECT_EQ(result.status, 302) << agent;
    EXPECT_TRUE(absl::StrContains(result.Header("location"), "click_id=")) << agent;
  }
  EXPECT_EQ(Click("/go/b", {}).status, 302);  // no User-Agent at all
  EXPECT_EQ(StatsField("clicks"), 0);
  EXPECT_EQ(Click("/go/b", {"User-Agent: curl/7.88.1"}).status, 302);  // curl is not a bot
  EXPECT_EQ(StatsField("clicks"), 1);
}

TEST_F(RedirectTest, RepeatClicksOfOneCustomerCountOnceAsUnique) {
  MakeLink("u", "https://shop.example.com/");
  const std::string cookie = Click("/go/u").Header("set-cookie");
  const std::string header = "Cookie: " + cookie.substr(0, cookie.find(';'));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Click("/go/u", {kBrowserAgent, header}).status, 302);
  }
  EXPECT_EQ(Click("/go/u").status, 302);  // another visitor
  EXPECT_EQ(StatsField("clicks"), 5);
  EXPECT_EQ(StatsField("unique_clicks"), 2);
}

// A returning visitor's customer_clicks entry waits in memory before it is stored
// (PendingClickIndex): a stop stores it, and after a kill -9 the restart derives it again from
// the click records. Either way the visitor's next click on that link is not unique.
TEST_F(RedirectTest, ReturningVisitorsClicksStayKnownAcrossStopsAndKill9) {
  MakeLink("first", "https://shop.example.com/");
  MakeLink("stop", "https://shop.example.com/stop");
  MakeLink("kill", "https://shop.example.com/kill");
  const std::string cookie = Click("/go/first").Header("set-cookie");
  const std::vector<std::string> returning = {kBrowserAgent,
                                              "Cookie: " + cookie.substr(0, cookie.find(';'))};
  ASSERT_EQ(Click("/go/stop", returning).status, 302);
  EXPECT_EQ(process_->Signal(SIGTERM), 0);
  StartTrackerd();
  ASSERT_EQ(Click("/go/stop", returning).status, 302);
  ASSERT_EQ(Click("/go/kill", returning).status, 302);
  EXPECT_FALSE(absl::StrContains(process_->Stderr(), "unclean stop"));
  EXPECT_EQ(process_->Signal(SIGKILL), 128 + SIGKILL);
  StartTrackerd();
  const std::string log = process_->StderrOnceItHolds("unclean stop");
  EXPECT_TRUE(absl::StrContains(log, "\"clicks_read\":")) << log;
  ASSERT_EQ(Click("/go/kill", returning).status, 302);
  EXPECT_EQ(StatsField("clicks"), 5);
  EXPECT_EQ(StatsField("unique_clicks"), 3);  // first, stop and kill once each
}

TEST_F(RedirectTest, EveryRedirectSurvivesKill9) {
  MakeLink("crash", "https://shop.example.com/");
  constexpr int kRedirects = 300;
  for (int i = 0; i < kRedirects; ++i) {
    ASSERT_EQ(Click("/go/crash").status, 302) << i;
  }
  EXPECT_EQ(process_->Signal(SIGKILL), 128 + SIGKILL);
  StartTrackerd();  // same data directory
  EXPECT_EQ(StatsField("clicks"), kRedirects);
  EXPECT_EQ(StatsField("unique_clicks"), kRedirects);
}

}  // namespace
}  // namespace clicktrack::testing
