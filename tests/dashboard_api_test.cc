// What the dashboard and the portal stand on, over HTTP against a real trackerd: partner
// tokens and their reach, the caller (/api/v1/me), the programs list, daily series, the
// partners table, PATCH of a program, and the embedded pages' headers.

#include <csignal>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "boost/json.hpp"
#include "gtest/gtest.h"

#include "tests/integration_fixture.h"

namespace clicktrack::testing {
namespace {

namespace json = boost::json;

class DashboardApiTest : public TrackerdTest {
 protected:
  void SetUp() override {
    TrackerdTest::SetUp();
    SeedProgram();
    ASSERT_EQ(Call("PUT", "/api/v1/programs/acme/partners/p2", R"({"name": "Partner Two"})").status,
              200);
    MakeLink("one", "https://shop.example.com/");
  }

  json::object Json(const HttpResult& result, int status = 200) {
    EXPECT_EQ(result.status, status) << result.body;
    return json::parse(result.body).as_object();
  }

  // A new token of `partner` (its secret, its id).
  std::pair<std::string, std::string> NewToken(absl::string_view partner,
                                               absl::string_view body = "{}") {
    json::object token = Json(
        Call("POST", absl::StrCat("/api/v1/programs/acme/partners/", partner, "/tokens"), body),
        201);
    return {std::string(token.at("token").as_string()), std::string(token.at("id").as_string())};
  }

  HttpResult As(absl::string_view token, absl::string_view method, absl::string_view target,
                absl::string_view body = "") {
    return Send(method, target, body, {absl::StrCat("Authorization: Bearer ", token)});
  }
};

TEST_F(DashboardApiTest, PartnerTokenIsShownOnceAndReadsOnlyItsOwnReports) {
  const HttpResult made = Call("POST", "/api/v1/programs/acme/partners/p1/tokens",
                               R"({"label": "Jane's laptop", "expires_in": "720h"})");
  json::object token = Json(made, 201);
  const std::string secret(token.at("token").as_string());
  EXPECT_TRUE(absl::StartsWith(secret, "ctp_")) << secret;
  EXPECT_EQ(secret.size(), 68u);
  EXPECT_EQ(made.Header("cache-control"), "no-store");
  EXPECT_FALSE(token.at("expires_at").is_null());

  const HttpResult listed = Call("GET", "/api/v1/programs/acme/partners/p1/tokens");
  EXPECT_EQ(listed.status, 200);
  EXPECT_TRUE(absl::StrContains(listed.body, "Jane's laptop")) << listed.body;
  EXPECT_FALSE(absl::StrContains(listed.body, secret.substr(4))) << "the secret is listed";

  for (absl::string_view report :
       {"", "/stats", "/cohorts", "/commissions", "/balance", "/postbacks", "/links", "/daily"}) {
    const std::string target = absl::StrCat("/api/v1/programs/acme/partners/p1", report);
    EXPECT_EQ(As(secret, "GET", target).status, 200) << target;
  }
  for (absl::string_view target :
       {"/api/v1/programs/acme/partners/p2/stats", "/api/v1/programs/acme/kpis",
        "/api/v1/programs/acme", "/api/v1/programs/acme/partners",
        "/api/v1/programs/acme/partners/p1/tokens", "/api/v1/programs/acme/links/one",
        "/api/v1/programs", "/api/v1/admin/backups", "/api/v1/programs/acme/nope"}) {
    const HttpResult refused = As(secret, "GET", target);
    EXPECT_EQ(refused.status, 403) << target << ": " << refused.body;
  }
  // Writes, even to its own partner, are the merchant's.
  EXPECT_EQ(As(secret, "PUT", "/api/v1/programs/acme/partners/p1", R"({"name": "Me"})").status,
            403);
  EXPECT_EQ(As(secret, "POST", "/api/v1/programs/acme/links",
               R"({"partner_id": "p1", "destination": "https://shop.example.com/"})")
                .status,
            403);
  EXPECT_EQ(Json(Call("GET", "/api/v1/programs/acme/partners/p1")).at("name"), "Partner One");
}

TEST_F(DashboardApiTest, ATokenOfProgramAIsRefusedOnProgramB) {
  ASSERT_EQ(Call("PUT", "/api/v1/programs/other", R"({"name": "B", "currency": "USD"})").status,
            200);
  ASSERT_EQ(Call("PUT", "/api/v1/programs/other/partners/p1", R"({"name": "Same id"})").status,
            200);
  const std::string secret = NewToken("p1").first;
  EXPECT_EQ(As(secret, "GET", "/api/v1/programs/other/partners/p1/stats").status, 403);
  EXPECT_EQ(As(secret, "GET", "/api/v1/programs/acme/partners/p1/stats").status, 200);
}

TEST_F(DashboardApiTest, RevokedExpiredAndUnknownTokensAre401WithTheReason) {
  const auto [secret, id] = NewToken("p1");
  const auto [expiring, expiring_id] = NewToken("p1", R"({"expires_in": "1s"})");
  EXPECT_EQ(As(expiring, "GET", "/api/v1/me").status, 200);
  absl::SleepFor(absl::Milliseconds(1100));
  const HttpResult expired = As(expiring, "GET", "/api/v1/programs/acme/partners/p1/stats");
  EXPECT_EQ(expired.status, 401);
  EXPECT_TRUE(absl::StrContains(expired.body, "partner token expired at")) << expired.body;

  EXPECT_EQ(
      As(secret, "DELETE", absl::StrCat("/api/v1/programs/acme/partners/p1/tokens/", id)).status,
      403);
  EXPECT_EQ(Call("DELETE", "/api/v1/programs/acme/partners/p2/tokens/" + id).status, 404);
  EXPECT_EQ(Call("DELETE", "/api/v1/programs/acme/partners/p1/tokens/" + id).status, 204);
  const HttpResult revoked = As(secret, "GET", "/api/v1/programs/acme/partners/p1/stats");
  EXPECT_EQ(revoked.status, 401);
  EXPECT_TRUE(absl::StrContains(revoked.body, "unknown or revoked partner token")) << revoked.body;
  EXPECT_EQ(Call("DELETE", "/api/v1/programs/acme/partners/p1/tokens/" + id).status, 404);
  EXPECT_EQ(As("ctp_0000", "GET", "/api/v1/me").status, 401);
}

TEST_F(DashboardApiTest, TokensSurviveARestartAndBadOrdersChangeNothing) {
  const auto [secret, id] = NewToken("p1", R"({"label": "kept"})");
  for (absl::string_view body :
       {R"({"expires_in": "0s"})", R"({"expires_in": "-1h"})", R"({"expires_in": "99999h"})",
        R"({"expires_in": 5})", R"({"label": 7})", "not json"}) {
    EXPECT_EQ(Call("POST", "/api/v1/programs/acme/partners/p1/tokens", body).status, 400) << body;
  }
  const std::string long_label = absl::StrCat(R"({"label": ")", std::string(101, 'x'), R"("})");
  EXPECT_EQ(Call("POST", "/api/v1/programs/acme/partners/p1/tokens", long_label).status, 400);
  EXPECT_EQ(Call("POST", "/api/v1/programs/acme/partners/ghost/tokens", "{}").status, 404);
  EXPECT_EQ(Call("DELETE", "/api/v1/programs/acme/partners/p1/tokens/bad%20id").status, 400);

  ASSERT_EQ(process_->Signal(SIGTERM), 0);
  StartTrackerd();
  const json::object me = Json(As(secret, "GET", "/api/v1/me"));
  EXPECT_EQ(me.at("role"), "partner");
  EXPECT_EQ(me.at("partner").at("id"), "p1");
  EXPECT_EQ(me.at("program").at("currency"), "USD");
  const json::array tokens =
      Json(Call("GET", "/api/v1/programs/acme/partners/p1/tokens")).at("tokens").as_array();
  ASSERT_EQ(tokens.size(), 1u) << "a refused order stored a token";
  EXPECT_EQ(tokens[0].at("id").as_string(), id);
}

TEST_F(DashboardApiTest, MeAndProgramsNameTheCaller) {
  EXPECT_EQ(Json(Call("GET", "/api/v1/me")).at("role"), "admin");
  EXPECT_EQ(Send("GET", "/api/v1/me").status, 401);
  const json::array programs = Json(Call("GET", "/api/v1/programs")).at("programs").as_array();
  ASSERT_EQ(programs.size(), 1u);
  EXPECT_EQ(programs[0].at("id"), "acme");
  EXPECT_FALSE(programs[0].as_object().contains("postback_secret"));
  EXPECT_EQ(Send("GET", "/api/v1/programs").status, 401);
}

TEST_F(DashboardApiTest, DailySeriesAddUpToTheKpisAndTheProgramCountsUnattributedSales) {
  ASSERT_EQ(Call("PUT", "/api/v1/programs/acme/partners/p1",
                 R"({"name": "Partner One", "joined_at": "2026-01-01T00:00:00Z"})")
                .status,
            200);
  const std::string file = absl::StrJoin(
      {
          R"({"record":"click","at":"2026-03-02T10:00:00Z","link":"one","click_id":"c1","customer":"cus_1"})",
          R"({"record":"conversion","at":"2026-03-02T11:00:00Z","order_id":"o1","amount":"100.00","currency":"USD","click_id":"c1"})",
          R"({"record":"conversion","at":"2026-03-04T11:00:00Z","order_id":"o2","amount":"40.00","currency":"USD","customer":"cus_1"})",
          R"({"record":"conversion","at":"2026-03-04T12:00:00Z","order_id":"o3","amount":"7.00","currency":"USD"})",
      },
      "\n");
  ASSERT_EQ(Json(Call("POST", "/api/v1/programs/acme/import", file)).at("rejected_count"), 0);
  const json::object partner =
      Json(Call("GET", "/api/v1/programs/acme/partners/p1/daily?from=2026-03-01&to=2026-03-05"));
  const json::array& days = partner.at("days").as_array();
  ASSERT_EQ(days.size(), 5u);
  EXPECT_EQ(days[0].at("day"), "2026-03-01");
  EXPECT_EQ(days[0].at("clicks"), 0);
  EXPECT_EQ(days[1].at("clicks"), 1);
  EXPECT_EQ(days[1].at("sales"), 1);
  EXPECT_EQ(days[1].at("revenue"), "100.00");
  EXPECT_EQ(days[1].at("commission"), "20.00");
  EXPECT_EQ(days[3].at("revenue"), "40.00");
  EXPECT_EQ(days[3].at("commission"), "4.00");
  const json::object program =
      Json(Call("GET", "/api/v1/programs/acme/daily?from=2026-03-01&to=2026-03-05"));
  EXPECT_EQ(program.at("days").at(3).at("revenue"), "47.00");
  EXPECT_EQ(program.at("days").at(3).at("sales"), 2);
  const json::object kpis =
      Json(Call("GET", "/api/v1/programs/acme/kpis?from=2026-03-01&to=2026-03-05"));
  EXPECT_EQ(kpis.at("revenue"), "147.00");
  // p2 joined today: after the range, so in neither the KPIs nor the program's series.
  EXPECT_EQ(kpis.at("partners").at("total"), 1);

  const json::array board =
      Json(Call("GET", "/api/v1/programs/acme/leaderboard?from=2026-03-01&to=2026-03-05"))
          .at("partners")
          .as_array();
  ASSERT_EQ(board.size(), 2u);
  EXPECT_EQ(board[0].at("partner_id"), "p1");
  EXPECT_EQ(board[0].at("revenue"), "140.00");
  EXPECT_EQ(board[0].at("epc"), "24.00");
  EXPECT_EQ(board[1].at("partner_id"), "p2");
  EXPECT_EQ(board[1].at("epc"), nullptr);

  EXPECT_EQ(Call("GET", "/api/v1/programs/acme/daily?from=2026-03-05&to=2026-03-01").status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/programs/acme/partners/ghost/daily").status, 404);
}

TEST_F(DashboardApiTest, PatchMergesIntoTheProgramAndKeepsItsSecrets) {
  json::object patched = Json(Call("PATCH", "/api/v1/programs/acme",
                                   R"({"name": "Acme 2", "commission": {"repeat_sale": null,
                                       "first_sale": {"fixed": "1.00"}}})"));
  EXPECT_EQ(patched.at("name"), "Acme 2");
  EXPECT_EQ(patched.at("postback_secret_set"), true);
  const json::object& commission = patched.at("commission").as_object();
  EXPECT_FALSE(commission.contains("repeat_sale"));
  EXPECT_EQ(commission.at("first_sale").at("percent"), "20");
  EXPECT_EQ(commission.at("first_sale").at("fixed"), "1.00");

  const HttpResult bad =
      Call("PATCH", "/api/v1/programs/acme", R"({"attribution": {"window": "soon"}})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(absl::StartsWith(bad.body, R"({"error":"attribution.window: )")) << bad.body;
  EXPECT_EQ(Json(Call("GET", "/api/v1/programs/acme")).at("attribution").at("window"), "720h");
  EXPECT_EQ(Call("PATCH", "/api/v1/programs/ghost", "{}").status, 404);
  EXPECT_EQ(Call("PATCH", "/api/v1/programs/acme", "[]").status, 400);
}

TEST_F(DashboardApiTest, PagesForbidFramingAndSniffingAndComeCompressed) {
  const HttpResult page = Send("GET", "/dashboard/", "", {"Accept-Encoding: gzip, br"});
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(page.Header("content-encoding"), "gzip");
  EXPECT_EQ(page.Header("x-content-type-options"), "nosniff");
  const std::string policy = page.Header("content-security-policy");
  EXPECT_TRUE(absl::StrContains(policy, "frame-ancestors 'none'")) << policy;
  EXPECT_TRUE(absl::StrContains(policy, "script-src 'self';")) << policy;
  EXPECT_FALSE(absl::StrContains(policy, "unsafe")) << policy;

  const HttpResult plain = Send("GET", "/portal/");
  EXPECT_EQ(plain.status, 200);
  EXPECT_TRUE(absl::StrContains(plain.body, "/portal/portal.js")) << plain.body;
  EXPECT_EQ(plain.Header("content-encoding"), "");
  EXPECT_EQ(Send("GET", "/portal/", "", {"Accept-Encoding: gzip;q=0"}).Header("content-encoding"),
            "");
  const HttpResult again = Send("GET", "/portal/", "", {"If-None-Match: " + plain.Header("etag")});
  EXPECT_EQ(again.status, 304);

  const HttpResult chart = Send("GET", "/shared/chart.min.js");
  EXPECT_EQ(chart.status, 200);
  EXPECT_EQ(chart.Header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_GT(chart.body.size(), 100'000u);
  EXPECT_EQ(Send("GET", "/dashboard").status, 301);
  EXPECT_EQ(Send("GET", "/dashboard").Header("location"), "/dashboard/");
  EXPECT_EQ(Send("GET", "/dashboard/nope.js").status, 404);
  EXPECT_EQ(Send("GET", "/dashboard/..%2f..%2fetc%2fpasswd").status, 404);
  EXPECT_EQ(Send("POST", "/dashboard/app.js").status, 405);
}

}  // namespace
}  // namespace clicktrack::testing
