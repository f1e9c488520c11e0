// Conversions over HTTP against a real trackerd: pixel, postbacks, result words, statuses,
// the ledger and customer routes, and durability across kill -9.

#include <signal.h>

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "boost/json/parse.hpp"
#include "gtest/gtest.h"
#include <openssl/hmac.h>

#include "tests/conversion_fixture.h"

namespace clicktrack::testing {
namespace {

using ConversionTest = ConversionFixture;

TEST_F(ConversionTest, PixelAttributesTheCookiesClickAndAnswersAGif) {
  const std::string cookie = ClickAsVisitor();
  const HttpResult pixel = Pixel("order_id=o1&amount=49.00&currency=usd", cookie);
  EXPECT_EQ(pixel.status, 200);
  EXPECT_EQ(pixel.Header("content-type"), "image/gif");
  EXPECT_EQ(pixel.body.size(), 43u);
  EXPECT_EQ(pixel.body.substr(0, 6), "GIF89a");
  EXPECT_EQ(pixel.Header("x-tracker-result"), "attributed");
  EXPECT_EQ(pixel.Header("cache-control"), "no-store");
  EXPECT_EQ(Pixel("order_id=o1&amount=49.00&currency=usd", cookie).Header("x-tracker-result"),
            "duplicate");
  EXPECT_EQ(Pixel("order_id=o2&amount=5&currency=USD").Header("x-tracker-result"), "unattributed");
  EXPECT_EQ(StatsField("customers_acquired"), 1);
}

TEST_F(ConversionTest, PixelRejectsWithReasons) {
  HttpResult bad = Pixel("order_id=o1&amount=-1&currency=USD");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Header("x-tracker-result"), "rejected");
  EXPECT_TRUE(absl::StrContains(bad.body, "amount")) << bad.body;
  // A HEAD (a link checker, a prefetch) never records a conversion.
  EXPECT_EQ(Send("HEAD", "/px.gif?program=acme&order_id=h1&amount=1&currency=USD").status, 405);
  EXPECT_EQ(Pixel("order_id=h1&amount=2&currency=USD").Header("x-tracker-result"), "unattributed");
  HttpResult unknown = Send("GET", "/px.gif?program=nope&order_id=o1&amount=1&currency=USD");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.Header("x-tracker-result"), "rejected");
  ASSERT_EQ(Call("PUT", "/api/v1/programs/quiet",
                 R"({"name": "Quiet", "currency": "EUR", "pixel": false})")
                .status,
            200);
  HttpResult off = Send("GET", "/px.gif?program=quiet&order_id=o1&amount=1&currency=EUR");
  EXPECT_EQ(off.status, 403);
  EXPECT_EQ(off.Header("x-tracker-result"), "rejected");
}

TEST_F(ConversionTest, PostbackResultWordsAndStatuses) {
  const std::string cookie = ClickAsVisitor();
  // The click's id travels with the visitor to the shop, and back in the postback.
  const HttpResult pixel = Pixel("order_id=seed&type=lead&currency=USD", cookie);  // lead, 0.00
  ASSERT_EQ(pixel.Header("x-tracker-result"), "attributed");

  HttpResult sale = PostbackGet("order_id=o1&amount=100&currency=USD&customer=cus_1&email=a@b.c");
  ASSERT_EQ(sale.status, 200) << sale.body;
  boost::json::object answer = Json(sale);
  EXPECT_EQ(Field(answer, "result"), "unattributed");  // no identity ties it to the click yet
  EXPECT_EQ(Field(answer, "partner_id"), "null");
  EXPECT_EQ(Field(answer, "commission_status"), "null");

  const std::string body =
      absl::StrCat(R"({"program": "acme", "order_id": "o2", "amount": "49.90",)",
                   R"( "currency": "USD", "customer": "cus_2"})");
  HttpResult posted = PostbackPost(body);
  ASSERT_EQ(posted.status, 200) << posted.body;
  const std::string conversion_id = Field(Json(posted), "conversion_id");
  HttpResult duplicate = PostbackPost(body);
  EXPECT_EQ(duplicate.status, 200);
  EXPECT_EQ(Field(Json(duplicate), "result"), "duplicate");
  EXPECT_EQ(Field(Json(duplicate), "conversion_id"), conversion_id);

  HttpResult conflict = PostbackGet("order_id=o2&amount=50&currency=USD");
  EXPECT_EQ(conflict.status, 409) << conflict.body;

  HttpResult reversed = PostbackGet("order_id=o2&amount=9.90&currency=USD&status=refunded");
  EXPECT_EQ(reversed.status, 200);
  EXPECT_EQ(Field(Json(reversed), "result"), "reversed");
  HttpResult too_much = PostbackGet("order_id=o2&amount=40.01&currency=USD&status=chargeback");
  EXPECT_EQ(too_much.status, 400) << too_much.body;

  HttpResult queued = PostbackGet("order_id=later&amount=5&currency=USD&status=refunded");
  EXPECT_EQ(queued.status, 202);
  EXPECT_EQ(Field(Json(queued), "result"), "queued");
  HttpResult arrives = PostbackGet("order_id=later&amount=20&currency=USD");
  EXPECT_EQ(arrives.status, 200);
  EXPECT_EQ(Field(Json(arrives), "refunded"), "5.00");
}

TEST_F(ConversionTest, AttributedPostbackWithClickIdPaysAndShowsInTheLedger) {
  const std::string location = Click("/go/c1").Header("location");
  const std::string click_id = location.substr(location.rfind("click_id=") + 9, 26);
  HttpResult sale =
      PostbackGet(absl::StrCat("order_id=o1&amount=49.00&currency=USD&click_id=", click_id));
  ASSERT_EQ(sale.status, 200) << sale.body;
  const boost::json::object answer = Json(sale);
  EXPECT_EQ(Field(answer, "result"), "attributed");
  EXPECT_EQ(Field(answer, "partner_id"), "p1");
  EXPECT_EQ(Field(answer, "kind"), "first_sale");
  EXPECT_EQ(Field(answer, "amount"), "49.00");
  EXPECT_EQ(Field(answer, "commission"), "9.80");
  EXPECT_EQ(Field(answer, "currency"), "USD");
  EXPECT_EQ(Field(answer, "commission_status"), "approved");  // hold 0
  const std::string customer_id = Field(answer, "customer_id");

  // A renewal carrying only the merchant's customer reference... which is not linked yet:
  // link it with a sale that carries both, then a renewal with the reference alone.
  ASSERT_EQ(PostbackGet(absl::StrCat("order_id=o2&amount=10&currency=USD&customer=cus_9&click_id=",
                                     click_id))
                .status,
            200);
  HttpResult renewal = PostbackGet("order_id=o3&amount=10&currency=USD&customer=cus_9");
  EXPECT_EQ(Field(Json(renewal), "partner_id"), "p1");
  EXPECT_EQ(Field(Json(renewal), "kind"), "repeat_sale");

  HttpResult ledger = Call("GET", "/api/v1/programs/acme/partners/p1/commissions?limit=2");
  ASSERT_EQ(ledger.status, 200);
  const boost::json::object page = Json(ledger);
  const boost::json::array& entries = page.at("entries").as_array();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(Field(entries[0].as_object(), "order_id"), "o3");
  EXPECT_EQ(Field(entries[1].as_object(), "order_id"), "o2");
  const std::string cursor = Field(page, "next_cursor");
  ASSERT_EQ(cursor.size(), 26u);
  const boost::json::object rest =
      Json(Call("GET", "/api/v1/programs/acme/partners/p1/commissions?limit=2&cursor=" + cursor));
  ASSERT_EQ(rest.at("entries").as_array().size(), 1u);
  EXPECT_EQ(Field(rest.at("entries").as_array()[0].as_object(), "commission"), "9.80");
  EXPECT_EQ(Field(rest, "next_cursor"), "null");
  EXPECT_EQ(Call("GET", "/api/v1/programs/acme/partners/p1/commissions?cursor=nope").status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/programs/acme/partners/p1/commissions?limit=0").status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/programs/acme/partners/zz/commissions").status, 404);

  const boost::json::object customer =
      Json(Call("GET", "/api/v1/programs/acme/customers/" + customer_id));
  EXPECT_EQ(customer.at("orders").as_int64(), 3);
  EXPECT_EQ(Field(customer, "revenue"), "69.00");
  EXPECT_EQ(Field(customer.at("owner").as_object(), "partner_id"), "p1");
  EXPECT_EQ(Field(Json(Call("GET", "/api/v1/programs/acme/customers?ref=cus_9")), "customer_id"),
            customer_id);
  EXPECT_EQ(Call("GET", "/api/v1/programs/acme/customers?ref=nobody").status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/programs/acme/customers/not-an-id").status, 400);
  EXPECT_EQ(StatsField("clicks"), 1);
}

TEST_F(ConversionTest, ChecksRunInOrderProgramSignatureFields) {
  EXPECT_EQ(Send("GET", "/postback?program=nope&token=x&order_id=o1").status, 404);
  EXPECT_EQ(Send("GET", "/postback?program=acme&token=wrong-token-123456&order_id=o1").status, 401);
  EXPECT_EQ(Send("GET", "/postback?program=acme&order_id=o1").status, 401);
  EXPECT_EQ(PostbackGet("amount=1&currency=USD").status, 400);  // no order_id
  const std::string body =
      R"({"program": "acme", "order_id": "o1", "amount": "1", "currency": "USD"})";
  EXPECT_EQ(Send("POST", "/postback", body, {"X-Signature: sha256=00"}).status, 401);
  EXPECT_EQ(Send("POST", "/postback", body).status, 401);
  EXPECT_EQ(
      Send("POST", "/postback", R"({"program": "nope"})", {Sign(R"({"program": "nope"})")}).status,
      404);
  EXPECT_EQ(Send("POST", "/postback", "not json", {Sign("not json")}).status, 400);
}

TEST_F(ConversionTest, BadFieldsAre400NamingTheFieldAndChangeNothing) {
  const std::string max_plus = "10000000000000.01";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"amount=1&currency=USD", "order_id"},
      {"order_id=" + std::string(129, 'x') + "&amount=1&currency=USD", "order_id"},
      {"order_id=o1&amount=-1&currency=USD", "amount"},
      {"order_id=o1&amount=1.001&currency=USD", "amount"},
      {"order_id=o1&amount=ten&currency=USD", "amount"},
      {"order_id=o1&amount=" + max_plus + "&currency=USD", "amount"},
      {"order_id=o1&amount=99999999999999999999999&currency=USD", "amount"},
      {"order_id=o1&currency=USD", "amount"},
      {"order_id=o1&amount=1&currency=EUR", "currency"},
      {"order_id=o1&amount=1&currency=XXX", "currency"},
      {"order_id=o1&amount=1", "currency"},
      {"order_id=o1&amount=1&currency=USD&type=refund", "type"},
      {"order_id=o1&amount=1&currency=USD&status=paid", "status"},
      {"order_id=o1&amount=1&currency=USD&occurred_at=2999-01-01T00:00:00Z", "occurred_at"},
      {"order_id=o1&amount=1&currency=USD&occurred_at=yesterday", "occurred_at"},
      {"order_id=o1&amount=1&currency=USD&click_id=" + std::string(33, 'A'), "click_id"},
      {"order_id=o1&amount=1&currency=USD&customer=" + std::string(129, 'c'), "customer"},
      {"order_id=o1&amount=1&currency=USD&email_sha256=abc", "email_sha256"},
      {"order_id=o1&amount=1&currency=USD&email=nobody", "email"},
  };
  for (const auto& [params, field] : cases) {
    const HttpResult result = PostbackGet(params);
    EXPECT_EQ(result.status, 400) << params;
    EXPECT_TRUE(absl::StartsWith(result.body, absl::StrCat(R"({"error":")", field, ":")))
        << params << " -> " << result.body;
  }
  const HttpResult number =
      PostbackPost(R"({"program": "acme", "order_id": "o1", "amount": 49.9, "currency": "USD"})");
  EXPECT_EQ(number.status, 400);
  EXPECT_TRUE(absl::StrContains(number.body, "not a JSON number")) << number.body;
  // None of them stored anything: o1 is new.
  HttpResult first = PostbackGet("order_id=o1&amount=1&currency=USD");
  EXPECT_EQ(Field(Json(first), "result"), "unattributed");
}

// 500 signed postbacks from 8 connections, kill -9 at a random moment, restart: every
// postback that got 200 is there (its re-send is a duplicate with the same conversion_id),
// and after re-sending all of them each order counts exactly once.
TEST_F(ConversionTest, AcknowledgedPostbacksSurviveKill9) {
  const std::string location = Click("/go/c1").Header("location");
  const std::string click_id = location.substr(location.rfind("click_id=") + 9, 26);
  constexpr int kOrders = 500;
  constexpr int kConnections = 8;
  auto body_of = [&](int i) {
    return absl::StrCat(R"({"program": "acme", "order_id": "order-)", i, R"(", "amount": "10.00",)",
                        R"( "currency": "USD", "click_id": ")", click_id, R"("})");
  };
  std::mutex mu;
  std::map<int, std::string> acknowledged;  // order -> conversion_id
  std::atomic<int> next{0};
  std::atomic<int> answered{0};
  std::mt19937 random(std::random_device{}());
  const int kill_after = static_cast<int>(random() % 400) + 20;
  std::vector<std::thread> senders;
  for (int c = 0; c < kConnections; ++c) {
    senders.emplace_back([&] {
      HttpClient client(process_->address());
      for (int i = next++; i < kOrders; i = next++) {
        const std::string body = body_of(i);
        absl::StatusOr<HttpResult> result = client.Request("POST", "/postback", {Sign(body)}, body);
        if (!result.ok()) {
          return;  // the server is gone
        }
        if (result->status == 200) {
          std::lock_guard<std::mutex> lock(mu);
          acknowledged[i] = Field(Json(*result), "conversion_id");
        }
        ++answered;
      }
    });
  }
  while (answered.load() < kill_after) {
    std::this_thread::yield();
  }
  EXPECT_EQ(process_->Signal(SIGKILL), 128 + SIGKILL);
  for (std::thread& sender : senders) {
    sender.join();
  }
  ASSERT_GE(acknowledged.size(), static_cast<size_t>(kill_after) - kConnections);

  StartTrackerd();
  for (const auto& [i, conversion_id] : acknowledged) {
    const HttpResult again = PostbackPost(body_of(i));
    ASSERT_EQ(again.status, 200) << i << ": " << again.body;
    EXPECT_EQ(Field(Json(again), "result"), "duplicate") << i;
    EXPECT_EQ(Field(Json(again), "conversion_id"), conversion_id) << i;
  }
  for (int i = 0; i < kOrders; ++i) {
    if (!acknowledged.contains(i)) {
      ASSERT_EQ(PostbackPost(body_of(i)).status, 200) << i;
    }
  }
  const boost::json::object stats = Json(Call("GET", "/api/v1/programs/acme/partners/p1/stats"));
  const boost::json::object& conversions = stats.at("conversions").as_object();
  EXPECT_EQ(conversions.at("first_sale").as_int64() + conversions.at("repeat_sale").as_int64(),
            kOrders);
  EXPECT_EQ(Field(stats, "revenue"), "5000.00");
}

}  // namespace
}  // namespace clicktrack::testing
