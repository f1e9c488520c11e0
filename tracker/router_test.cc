#include "tracker/router.h"

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

#include "tests/fake_clock.h"
#include "tests/temp_dir.h"

namespace clicktrack::tracker {
namespace {

constexpr char kToken[] = "router-test-token-0123";

// The router with a real RocksDB store in a temp dir and a fake clock: no sockets.
class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<storage::Store>> store =
        storage::OpenRocksDbStore({.path = dir_.path()});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    MakeRouter("http://t.example.com");
  }

  void MakeRouter(std::string public_url) {
    router_ = std::make_unique<Router>(
        *store_, clock_, ids_,
        RouterOptions{.public_url = std::move(public_url), .admin_token = kToken});
  }

  HttpResponse Call(Method method, absl::string_view target, absl::string_view body = "",
                    absl::string_view authorization = "Bearer router-test-token-0123") {
    HttpRequest request{.method = method,
                        .target = target,
                        .authorization = authorization,
                        .user_agent = "Mozilla/5.0",
                        .body = body};
    return HandleAndWait(request);
  }

  HttpResponse Click(absl::string_view target, absl::string_view cookie = "") {
    HttpRequest request{
        .method = Method::kGet, .target = target, .cookie = cookie, .user_agent = "Mozilla/5.0"};
    return HandleAndWait(request);
  }

  // The response, whether the router answers at once or later (conversions).
  HttpResponse HandleAndWait(const HttpRequest& request) {
    absl::Notification done;
    HttpResponse later;
    std::optional<HttpResponse> now = router_->Handle(request, [&]() -> LaterResponse {
      return [&](HttpResponse response) {
        later = std::move(response);
        done.Notify();
      };
    });
    if (now.has_value()) {
      return *std::move(now);
    }
    done.WaitForNotification();
    return later;
  }

  void Seed() {
    ASSERT_EQ(Call(Method::kPut, "/api/v1/programs/acme",
                   R"({"name": "Acme", "currency": "USD", "allowed_hosts": ["shop.example.com"]})")
                  .status,
              200);
    ASSERT_EQ(Call(Method::kPut, "/api/v1/programs/acme/partners/p1", R"({"name": "P"})").status,
              200);
    ASSERT_EQ(
        Call(Method::kPost, "/api/v1/programs/acme/links",
             R"({"partner_id": "p1", "destination": "https://shop.example.com/", "code": "c1"})")
            .status,
        201);
  }

  static std::string Header(const HttpResponse& response, absl::string_view name) {
    for (const auto& [key, value] : response.headers) {
      if (key == name) {
        return value;
      }
    }
    return "";
  }

  testing::TempDir dir_;
  testing::FakeClock clock_{
      absl::FromCivil(absl::CivilSecond(2026, 11, 20, 12, 0, 0), absl::UTCTimeZone())};
  IdGenerator ids_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<Router> router_;
};

TEST_F(RouterTest, RepeatClicksCountOnceUntilADayHasPassed) {
  Seed();
  const HttpResponse first = Click("/go/c1");
  ASSERT_EQ(first.status, 302);
  const std::string set_cookie = Header(first, "Set-Cookie");
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  clock_.Advance(absl::Hours(23));
  ASSERT_EQ(Click("/go/c1", cookie).status, 302);
  clock_.Advance(absl::Hours(2));  // 25 h after the first: unique again
  ASSERT_EQ(Click("/go/c1", cookie).status, 302);
  ASSERT_EQ(Click("/go/c1").status, 302);  // a new visitor

  const HttpResponse stats =
      Call(Method::kGet, "/api/v1/programs/acme/partners/p1/stats?from=2026-11-01&to=2026-11-30");
  ASSERT_EQ(stats.status, 200);
  EXPECT_TRUE(absl::StrContains(stats.body, R"("clicks":4)")) << stats.body;
  EXPECT_TRUE(absl::StrContains(stats.body, R"("unique_clicks":3)")) << stats.body;
}

TEST_F(RouterTest, StatsDefaultToTheLast30Days) {
  Seed();
  const HttpResponse stats = Call(Method::kGet, "/api/v1/programs/acme/partners/p1/stats");
  ASSERT_EQ(stats.status, 200);
  EXPECT_TRUE(absl::StrContains(stats.body, R"("from":"2026-10-22","to":"2026-11-20")"))
      << stats.body;
}

TEST_F(RouterTest, StatsRejectBadDates) {
  Seed();
  for (const char* query : {"?from=2026-13-01", "?to=yesterday", "?from=2026-11-20&to=2026-11-01",
                            "?from=2000-01-01&to=2026-01-01"}) {
    const HttpResponse response =
        Call(Method::kGet, absl::StrCat("/api/v1/programs/acme/partners/p1/stats", query));
    EXPECT_EQ(response.status, 400) << query;
  }
  EXPECT_EQ(Call(Method::kGet, "/api/v1/programs/acme/partners/nobody/stats").status, 404);
}

TEST_F(RouterTest, HttpsPublicUrlMakesTheCookieSecure) {
  Seed();
  MakeRouter("https://t.example.com");
  const std::string cookie = Header(Click("/go/c1"), "Set-Cookie");
  EXPECT_TRUE(absl::StrContains(cookie, "; SameSite=None; Secure")) << cookie;
  MakeRouter("http://t.example.com");
  EXPECT_TRUE(absl::StrContains(Header(Click("/go/c1"), "Set-Cookie"), "; SameSite=Lax"));
}

TEST_F(RouterTest, LinkUrlUsesThePublicUrl) {
  Seed();
  const HttpResponse link = Call(Method::kGet, "/api/v1/programs/acme/links/c1");
  ASSERT_EQ(link.status, 200);
  EXPECT_TRUE(absl::StrContains(link.body, R"("url":"http://t.example.com/go/c1")")) << link.body;
}

TEST_F(RouterTest, WrongMethodsAndUnknownRoutes) {
  Seed();
  const HttpResponse post_go = Call(Method::kPost, "/go/c1");
  EXPECT_EQ(post_go.status, 405);
  EXPECT_EQ(Header(post_go, "Allow"), "GET, HEAD");
  EXPECT_EQ(Call(Method::kDelete, "/api/v1/programs/acme").status, 405);
  EXPECT_EQ(Call(Method::kGet, "/api/v1/programs/acme/widgets").status, 404);
  EXPECT_EQ(Call(Method::kGet, "/nothing").status, 404);
  EXPECT_EQ(Call(Method::kGet, "nothing").status, 400);
}

TEST_F(RouterTest, ReplacingAPartnerKeepsItsJoinDate) {
  Seed();
  clock_.Advance(absl::Hours(48));
  ASSERT_EQ(Call(Method::kPut, "/api/v1/programs/acme/partners/p1", R"({"name": "New"})").status,
            200);
  const HttpResponse after = Call(Method::kGet, "/api/v1/programs/acme/partners/p1");
  EXPECT_TRUE(absl::StrContains(after.body, R"("joined_at":"2026-11-20T12:00:00.000Z")"))
      << after.body;
  EXPECT_TRUE(absl::StrContains(after.body, R"("name":"New")"));
  ASSERT_EQ(Call(Method::kPut, "/api/v1/programs/acme/partners/p1",
                 R"({"joined_at": "2024-01-01T00:00:00Z"})")
                .status,
            200);
  EXPECT_TRUE(absl::StrContains(Call(Method::kGet, "/api/v1/programs/acme/partners/p1").body,
                                R"("joined_at":"2024-01-01T00:00:00.000Z")"));
}

}  // namespace
}  // namespace clicktrack::tracker
