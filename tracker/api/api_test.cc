#include "tracker/api/api.h"

#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"

#include "storage/testing/in_memory_store.h"
#include "tests/fake_clock.h"

namespace clicktrack::tracker {
namespace {

constexpr char kToken[] = "router-test-token-0123";

// The API's routes over the in-memory store and a fake clock: no sockets, no RocksDB. The
// click batcher's flushes run when the test asks for the answer.
class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override { MakeRouter("http://t.example.com"); }

  void MakeRouter(std::string public_url) {
    routes_.reset();
    api_ = std::make_unique<ApiContext>(
        store_, clock_, ids_,
        ApiOptions{.public_url = std::move(public_url), .admin_token = kToken});
    click_batcher_ = std::make_unique<ClickBatcher>(
        api_->clicks,
        [this](absl::AnyInvocable<void()> task) { posted_.push_back(std::move(task)); });
    routes_ = std::make_unique<RouteTable>(ApiRoutes(*api_, *click_batcher_));
  }

  void RunPosted() {
    while (!posted_.empty()) {
      absl::AnyInvocable<void()> task = std::move(posted_.front());
      posted_.erase(posted_.begin());
      std::move(task)();
    }
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
    std::promise<HttpResponse> later;  // std, not absl::Notification: TSan sees it
    std::optional<HttpResponse> now = routes_->Dispatch(request, [&]() -> LaterResponse {
      return [&](HttpResponse&& response) { later.set_value(std::move(response)); };
    });
    RunPosted();
    if (now.has_value()) {
      return *std::move(now);
    }
    return later.get_future().get();
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

  testing::FakeClock clock_{
      absl::FromCivil(absl::CivilSecond(2026, 11, 20, 12, 0, 0), absl::UTCTimeZone())};
  IdGenerator ids_;
  storage::InMemoryStore store_;
  std::unique_ptr<ApiContext> api_;
  std::vector<absl::AnyInvocable<void()>> posted_;
  std::unique_ptr<ClickBatcher> click_batcher_;
  std::unique_ptr<RouteTable> routes_;
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

TEST_F(RouterTest, BatchedRedirectsReuseSlotsWithoutCarryingAnythingOver) {
  // Through a real ClickBatcher, whose click and response slots are reused from request to
  // request: each stored click and each 302 must be exactly its own.
  Seed();
  auto redirect = [&](const std::string& target, absl::string_view cookie) {
    const HttpRequest request{
        .method = Method::kGet, .target = target, .cookie = cookie, .user_agent = "Mozilla/5.0"};
    std::optional<HttpResponse> answer = routes_->Dispatch(request, [&]() -> LaterResponse {
      return [&](HttpResponse&& response) { answer = response; };
    });
    RunPosted();
    EXPECT_TRUE(answer.has_value()) << target;
    return answer.value_or(HttpResponse{});
  };
  auto text = [](const attribution::Ulid& id) {
    const auto chars = id.Text();
    return std::string(chars.data(), chars.size());
  };
  auto stored_click = [&](const HttpResponse& response) {
    const std::string location = Header(response, "Location");
    const size_t at = location.find("click_id=");
    EXPECT_NE(at, std::string::npos) << location;
    const std::optional<attribution::Ulid> id =
        attribution::Ulid::FromText(location.substr(at + 9, 26));
    EXPECT_TRUE(id.has_value()) << location;
    absl::StatusOr<std::optional<attribution::Click>> click =
        api_->clicks.GetClick(id.value_or(attribution::Ulid{}));
    EXPECT_TRUE(click.ok() && click->has_value()) << location;
    return click.ok() ? click->value_or(attribution::Click{}) : attribution::Click{};
  };

  std::string long_sub;  // 200 two-byte characters: cut at 255 bytes, before a lead byte
  for (int i = 0; i < 200; ++i) {
    long_sub += "%C3%A9";
  }
  const std::string returning = "tc_cid=01KAT9QKX1B0000000000000AB";
  const HttpResponse first = redirect(
      "/go/c1?sub1=first%20one&sub1=ignored&sub3=" + long_sub + "&sub5=five&sub6=x", returning);
  ASSERT_EQ(first.status, 302);
  EXPECT_EQ(redirect("/go/nope?sub2=lost", "").status, 404);  // takes a slot, commits nothing
  const HttpResponse second = redirect("/go/c1?sub2=only", "");
  ASSERT_EQ(second.status, 302);

  const attribution::Click one = stored_click(first);
  EXPECT_EQ(text(one.customer_id), "01KAT9QKX1B0000000000000AB");
  EXPECT_EQ(one.subs[0], "first one");
  EXPECT_EQ(one.subs[1], "");
  EXPECT_EQ(one.subs[2].size(), 254u);
  EXPECT_EQ(one.subs[4], "five");
  const attribution::Click two = stored_click(second);
  EXPECT_NE(two.id, one.id);
  EXPECT_NE(two.customer_id, one.customer_id);  // no cookie: a new visitor
  EXPECT_EQ(two.subs[0], "");
  EXPECT_EQ(two.subs[1], "only");
  EXPECT_EQ(two.subs[2], "");
  EXPECT_EQ(two.subs[4], "");
  EXPECT_EQ(second.headers.size(), 3u);
  EXPECT_EQ(Header(second, "Cache-Control"), "no-store");
  EXPECT_TRUE(absl::StrContains(Header(second, "Set-Cookie"), text(two.customer_id)));
  EXPECT_FALSE(absl::StrContains(Header(second, "Location"), text(one.id)));
}

TEST(ImportTargetTest, OnlyAPostToAProgramsImportIsSpooled) {
  EXPECT_TRUE(IsImportTarget(Method::kPost, "/api/v1/programs/acme/import"));
  EXPECT_TRUE(IsImportTarget(Method::kPost, "/api/v1/programs/acme/import?dry=1"));
  EXPECT_FALSE(IsImportTarget(Method::kGet, "/api/v1/programs/acme/import"));
  EXPECT_FALSE(IsImportTarget(Method::kPost, "/api/v1/programs//import"));
  EXPECT_FALSE(IsImportTarget(Method::kPost, "/api/v1/programs/a/b/import"));
  EXPECT_FALSE(IsImportTarget(Method::kPost, "/api/v1/programs/acme/imports"));
  EXPECT_FALSE(IsImportTarget(Method::kPost, "/postback"));
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

// The route table answers in one order for every route (route_table.h): token, program id and
// query, then the route, then the program, then the segment, then the method.
TEST_F(RouterTest, ErrorsComeInTheTableOrder) {
  Seed();
  const auto status_and_body = [](const HttpResponse& response) {
    return std::make_pair(response.status, response.body);
  };
  EXPECT_EQ(Call(Method::kGet, "/api/v1/programs/nope/widgets", "", "Bearer wrong").status, 401);
  EXPECT_EQ(Call(Method::kGet, "/api/v1/programs/no%20pe/widgets").status, 400);
  EXPECT_EQ(Call(Method::kGet, "/api/v1/programs/nope/widgets?a=1&a=2").status, 400);
  EXPECT_EQ(status_and_body(Call(Method::kGet, "/api/v1/programs/nope/widgets")),
            std::make_pair(
                404, std::string(R"({"error":"no route for /api/v1/programs/nope/widgets"})")));
  EXPECT_EQ(status_and_body(Call(Method::kDelete, "/api/v1/programs/nope/partners")),
            std::make_pair(404, std::string(R"({"error":"program nope not found"})")));
  EXPECT_EQ(Call(Method::kDelete, "/api/v1/programs/acme/partners/p%201").status, 400);
  const HttpResponse wrong_method = Call(Method::kDelete, "/api/v1/programs/acme/partners/p1");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(Header(wrong_method, "Allow"), "GET, PUT");
  EXPECT_EQ(Header(Call(Method::kHead, "/px.gif"), "Allow"), "GET");
}

// The in-memory store decides conversions with the real engine: a click, a sale through the
// pixel, and the partner's ledger and customer, without RocksDB.
TEST_F(RouterTest, APixelSaleReachesTheLedgerAndTheCustomer) {
  Seed();
  const HttpResponse click = Click("/go/c1");
  const std::string set_cookie = Header(click, "Set-Cookie");
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  const HttpRequest pixel{.method = Method::kGet,
                          .target = "/px.gif?program=acme&order_id=o1&amount=49.00&currency=USD",
                          .cookie = cookie,
                          .user_agent = "Mozilla/5.0"};
  const HttpResponse sale = HandleAndWait(pixel);
  ASSERT_EQ(sale.status, 200);
  EXPECT_EQ(Header(sale, "X-Tracker-Result"), "attributed");
  const std::string customer_id = cookie.substr(cookie.find('=') + 1);
  const HttpResponse customer =
      Call(Method::kGet, "/api/v1/programs/acme/customers/" + customer_id);
  EXPECT_TRUE(absl::StrContains(customer.body, R"("revenue":"49.00")")) << customer.body;
  EXPECT_TRUE(absl::StrContains(customer.body, R"("partner_id":"p1")")) << customer.body;
}

}  // namespace
}  // namespace clicktrack::tracker

namespace clicktrack::tracker {
namespace {

TEST_F(RouterTest, AFailedDeliveryCanBeRetriedOnce) {
  Seed();
  ASSERT_EQ(Call(Method::kPut, "/api/v1/programs/acme/partners/p1",
                 R"({"name": "P", "postback_url": "https://t.partner.example/pb?c={commission}"})")
                .status,
            200);
  ASSERT_EQ(Call(Method::kPut, "/api/v1/programs/acme",
                 R"({"name": "Acme", "currency": "USD", "allowed_hosts": ["shop.example.com"],
                     "pixel": true, "commission": {"first_sale": {"percent": "10"}}})")
                .status,
            200);
  const HttpResponse click = Click("/go/c1");
  const std::string location = Header(click, "Location");
  const std::string click_id = location.substr(location.find("click_id=") + 9);
  ASSERT_EQ(Click(absl::StrCat("/px.gif?program=acme&order_id=o1&amount=20.00&currency=USD"
                               "&click_id=",
                               click_id))
                .status,
            200);
  absl::StatusOr<std::vector<attribution::Delivery>> due =
      store_.outbox().DueDeliveries(clock_.Now(), 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  attribution::Delivery delivery = due->front();
  EXPECT_EQ(delivery.url, "https://t.partner.example/pb?c=2.00");
  const std::string path = absl::StrCat("/api/v1/programs/acme/partners/p1/postbacks/",
                                        delivery.id.ToString(), "/retry");
  EXPECT_EQ(Call(Method::kPost, path).status, 409);  // pending, not failed
  while (delivery.state == attribution::DeliveryState::kPending) {
    attribution::RecordAttempt(delivery, clock_.Now(), 502, "");
  }
  ASSERT_TRUE(store_.outbox().RecordAttempt(delivery, delivery.next_attempt_at).ok());
  const HttpResponse listed =
      Call(Method::kGet, "/api/v1/programs/acme/partners/p1/postbacks?limit=1");
  EXPECT_TRUE(absl::StrContains(listed.body, R"("state":"failed","attempts":12,"last_status":502)"))
      << listed.body;
  const HttpResponse retried = Call(Method::kPost, path);
  EXPECT_EQ(retried.status, 200);
  EXPECT_TRUE(absl::StrContains(retried.body, R"("state":"pending","attempts":0)")) << retried.body;
  EXPECT_EQ(Call(Method::kPost, path).status, 409);
  EXPECT_EQ(Call(Method::kPost,
                 "/api/v1/programs/acme/partners/p2/postbacks/" + delivery.id.ToString() + "/retry")
                .status,
            404);
}

}  // namespace
}  // namespace clicktrack::tracker
