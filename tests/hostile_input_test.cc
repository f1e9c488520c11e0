// Regression tests for the defects a hostile test of b38991d found (issue 10): each sends what
// an attacker or an unlucky client sent, against a real trackerd, and checks that the answer is
// a clear 4xx, that nothing was stored, and that the daemon still serves.

#include <signal.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

#include "attribution/base/utf8.h"
#include "tests/conversion_fixture.h"

namespace clicktrack::testing {
namespace {

using HostileInputTest = ConversionFixture;

// Defect 1: invalid UTF-8 in a sub-id was stored into a proto3 string, and every later read of
// the visitor's click failed (503 on redirects, 500 on conversions).
TEST_F(HostileInputTest, InvalidUtf8InASubIdIsReplacedAndTheVisitorStillConverts) {
  const HttpResult first = Click("/go/c1?sub1=caf%E9&sub2=%C0%AF");
  ASSERT_EQ(first.status, 302);
  const std::string cookie = first.Header("set-cookie").substr(7, 26);
  const HttpResult again =
      Click("/go/c1?sub1=x", {kBrowserAgent, absl::StrCat("Cookie: tc_cid=", cookie)});
  EXPECT_EQ(again.status, 302) << again.body;
  const HttpResult pixel = Pixel("order_id=o1&amount=10.00&currency=USD", cookie);
  EXPECT_EQ(pixel.status, 200) << pixel.body;
  EXPECT_EQ(pixel.Header("x-tracker-result"), "attributed");
}

// Defect 1: invalid UTF-8 in a conversion's texts is refused at the edge (SPEC §4), so the
// ledger and the orders stay readable, and no answer carries bytes that are not UTF-8.
TEST_F(HostileInputTest, InvalidUtf8InConversionFieldsIs400AndStoresNothing) {
  const std::string cookie = ClickAsVisitor();
  for (const char* params :
       {"order_id=%FF&amount=1&currency=USD", "order_id=%C0%AF&amount=1&currency=USD",
        "order_id=ok&amount=1&currency=USD&customer=caf%E9",
        "order_id=ok&amount=1&currency=USD&email=a%FF@b.c"}) {
    const HttpResult pixel = Pixel(params, cookie);
    EXPECT_EQ(pixel.status, 400) << params;
    EXPECT_EQ(pixel.Header("x-tracker-result"), "rejected");
    EXPECT_TRUE(absl::StrContains(pixel.body, "UTF-8")) << pixel.body;
    EXPECT_TRUE(base::IsValidUtf8(pixel.body)) << params;
  }
  ASSERT_EQ(Pixel("order_id=o1&amount=10.00&currency=USD", cookie).status, 200);
  const HttpResult refund = PostbackGet(
      "order_id=o1&amount=1&currency=USD&status=refunded"
      "&refund_id=r%E9");
  EXPECT_EQ(refund.status, 400) << refund.body;
  const HttpResult ledger = Call("GET", "/api/v1/programs/acme/partners/p1/commissions");
  EXPECT_EQ(ledger.status, 200) << ledger.body;
  EXPECT_EQ(Json(ledger).at("entries").as_array().size(), 1u);
  // An unknown program's name comes back in the error, repaired.
  const HttpResult unknown = Send("GET", "/px.gif?program=n%FFpe&order_id=o&amount=1");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_TRUE(base::IsValidUtf8(unknown.body)) << unknown.body;
}

// Defect 2: 9,300 pixel hits of the largest amount from one attributed visitor wrapped the
// customer's and the partner's revenue to -91467440737095516.16. Now the hit that would pass
// int64 is refused (400), and the totals stay exact.
TEST_F(HostileInputTest, TotalsNeverWrap) {
  const std::string cookie = ClickAsVisitor();
  constexpr int kHits = 9300;
  constexpr int kSenders = 8;
  std::atomic<int> next{0};
  std::atomic<int> accepted{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> senders;
  for (int c = 0; c < kSenders; ++c) {
    senders.emplace_back([&] {
      HttpClient client(process_->address());
      for (int i = next++; i < kHits; i = next++) {
        absl::StatusOr<HttpResult> result =
            client.Request("GET",
                           absl::StrCat("/px.gif?program=acme&order_id=big-", i,
                                        "&amount=10000000000000.00&currency=USD"),
                           {kBrowserAgent, absl::StrCat("Cookie: tc_cid=", cookie)});
        if (result.ok() && result->status == 200) {
          ++accepted;
        } else if (result.ok() && result->status == 400 &&
                   absl::StrContains(result->body, "largest total")) {
          ++refused;
        }
      }
    });
  }
  for (std::thread& sender : senders) {
    sender.join();
  }
  EXPECT_EQ(accepted.load(), 9223);  // 9,223 × 10^15 minor units fit in int64, 9,224 do not
  EXPECT_EQ(refused.load(), kHits - 9223);
  const boost::json::object stats = Json(Call("GET", "/api/v1/programs/acme/partners/p1/stats"));
  EXPECT_EQ(Field(stats, "revenue"), "92230000000000000.00");
  const boost::json::object customer =
      Json(Call("GET", "/api/v1/programs/acme/customers/" + cookie));
  EXPECT_EQ(Field(customer, "revenue"), "92230000000000000.00");
}

// Defect 3: a refund id used on another order answered "duplicate" with that order's
// conversion, and the second order's refund was never applied. SPEC §5.9: 409.
TEST_F(HostileInputTest, ARefundIdReusedOnAnotherOrderIs409) {
  ASSERT_EQ(PostbackGet("order_id=A&amount=50&currency=USD").status, 200);
  ASSERT_EQ(PostbackGet("order_id=B&amount=50&currency=USD").status, 200);
  const std::string refund = "amount=5&currency=USD&status=refunded&refund_id=r1";
  ASSERT_EQ(PostbackGet(absl::StrCat("order_id=A&", refund)).status, 200);
  const HttpResult other = PostbackGet(absl::StrCat("order_id=B&", refund));
  EXPECT_EQ(other.status, 409) << other.body;
  const HttpResult again = PostbackGet(absl::StrCat("order_id=A&", refund));
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(Field(Json(again), "result"), "duplicate");
  EXPECT_EQ(Field(Json(again), "order_id"), "A");
}

// Defect 4: a customer reference longer than a key can hold reached a CHECK and aborted.
TEST_F(HostileInputTest, AnOverlongCustomerRefIs400AndTheDaemonLives) {
  const HttpResult result =
      Call("GET", absl::StrCat("/api/v1/programs/acme/customers?ref=", std::string(300, 'x')));
  EXPECT_EQ(result.status, 400) << result.body;
  EXPECT_TRUE(absl::StrContains(result.body, "ref")) << result.body;
  EXPECT_EQ(Send("GET", "/healthz").status, 200);
}

// Defect 11: a field given twice was accepted, the first query value or the last JSON key
// winning silently. SPEC §4: 400 everywhere but /go.
TEST_F(HostileInputTest, AFieldGivenTwiceIs400) {
  const HttpResult pixel = Pixel("order_id=o1&amount=10.00&amount=1000.00&currency=USD");
  EXPECT_EQ(pixel.status, 400);
  EXPECT_TRUE(absl::StrContains(pixel.body, "amount: given twice")) << pixel.body;
  const HttpResult get = PostbackGet("order_id=o1&amount=10.00&currency=USD&currency=USD");
  EXPECT_EQ(get.status, 400);
  const std::string body =
      R"({"program": "acme", "order_id": "o1", "amount": "10.00", "amount": "1000.00",)"
      R"( "currency": "USD"})";
  const HttpResult post = PostbackPost(body);
  EXPECT_EQ(post.status, 400) << post.body;
  EXPECT_TRUE(absl::StrContains(post.body, "amount: given twice")) << post.body;
  const HttpResult admin =
      Call("PUT", "/api/v1/programs/acme/partners/p2", R"({"name": "A", "name": "B"})");
  EXPECT_EQ(admin.status, 400) << admin.body;
  EXPECT_EQ(Call("GET", "/api/v1/programs/acme/partners/p2").status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/programs/acme/partners/p1/commissions?limit=1&limit=2").status,
            400);
  // Nothing of it was stored: the order is still free.
  EXPECT_EQ(Field(Json(PostbackGet("order_id=o1&amount=10.00&currency=USD")), "result"),
            "unattributed");
  // /go never fails over its query: the first sub1 counts.
  EXPECT_EQ(Click("/go/c1?sub1=a&sub1=b").status, 302);
}

// Defect 12: field types were checked before the program and the signature. SPEC §4.4: 404,
// then 401, then 400, so an unsigned caller learns nothing about the fields.
TEST_F(HostileInputTest, PostbackChecksProgramThenSignatureThenFields) {
  EXPECT_EQ(Send("POST", "/postback", R"({"program": "nosuch", "order_id": 5})").status, 404);
  EXPECT_EQ(Send("POST", "/postback", R"({"program": "acme", "amount": 5})").status, 401);
  EXPECT_EQ(Send("POST", "/postback", R"({"program": "acme", "amount": 5, "amount": 6})").status,
            401);
  const std::string body = R"({"program": "acme", "order_id": "o1", "amount": 5})";
  EXPECT_EQ(PostbackPost(body).status, 400);
  EXPECT_EQ(Send("GET", "/postback?program=nosuch&order_id=o1&order_id=o2").status, 404);
  EXPECT_EQ(Send("GET", "/postback?program=acme&order_id=o1&order_id=o2").status, 401);
}

// Defect 7: a Transfer-Encoding whose last coding was not chunked was read as an empty body,
// and the body then served as the next request: a POST carrying GET /go/… made a click.
TEST_F(HostileInputTest, ASmuggledRequestIsRefusedAndMakesNoClick) {
  const std::string smuggled =
      absl::StrCat("GET /go/c1 HTTP/1.1\r\nHost: t\r\n", kBrowserAgent, "\r\n\r\n");
  for (const char* coding : {"gzip", "chunked, gzip", "xchunked", "identity"}) {
    const absl::StatusOr<HttpResult> result = client_->Raw(absl::StrCat(
        "POST /postback HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: ", coding, "\r\n\r\n", smuggled));
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->status, 400) << coding;
    EXPECT_EQ(result->Header("connection"), "close");
    EXPECT_TRUE(absl::StrContains(result->body, "Transfer-Encoding")) << result->body;
  }
  EXPECT_EQ(StatsField("clicks"), 0);
}

// Defect 13: RFC 9112 conformance of what the daemon accepts and how it answers.
TEST_F(HostileInputTest, HttpConformance) {
  const absl::StatusOr<HttpResult> no_host = client_->Raw("GET /healthz HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(no_host.ok());
  EXPECT_EQ(no_host->status, 400);
  const absl::StatusOr<HttpResult> two_hosts =
      client_->Raw("GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
  EXPECT_EQ(two_hosts->status, 400);
  const absl::StatusOr<HttpResult> absolute =
      client_->Raw("GET http://t.example/healthz HTTP/1.1\r\nHost: t.example\r\n\r\n");
  EXPECT_EQ(absolute->status, 200);
  const absl::StatusOr<HttpResult> old = client_->Raw("GET /healthz HTTP/1.0\r\nBad Line\r\n\r\n");
  EXPECT_EQ(old->status, 400);
  EXPECT_EQ(old->version, "HTTP/1.0");
  const absl::StatusOr<HttpResult> two_tokens = client_->Raw(
      absl::StrCat("GET /api/v1/programs/acme HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer ",
                   kAdminToken, "\r\nAuthorization: Bearer wrong\r\n\r\n"));
  EXPECT_EQ(two_tokens->status, 400);
}

// Defect 9: SIGPIPE killed the daemon when the reader of its stderr went away, and SIGHUP
// killed it with no graceful stop.
TEST_F(HostileInputTest, AGoneStderrReaderAndSighupDoNotStopTheDaemon) {
  StartTrackerd({"--log-level", "debug"});  // a log line per request
  process_->StopReadingStderr();
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(Send("GET", "/healthz").status, 200) << i;
  }
  process_->Send(SIGHUP);
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(Send("GET", "/healthz").status, 200) << i;
  }
  EXPECT_EQ(process_->Signal(SIGTERM), 0);
}

// Defect 10: the debug log redacted only a literal "token=", so %74oken=, Token= and ;token=
// logged the postback secret in clear. No secret, plain or percent-encoded, reaches the log.
TEST_F(HostileInputTest, NoSecretReachesTheLogAtDebug) {
  StartTrackerd({"--log-level", "debug"});
  const std::string encoded_secret = "%61t-least-16-chars";  // kSecret with 'a' encoded
  for (const std::string& token :
       {absl::StrCat("token=", kSecret), absl::StrCat("%74oken=", kSecret),
        absl::StrCat("Token=", kSecret), absl::StrCat("x=1;token=", kSecret),
        absl::StrCat("token=", encoded_secret)}) {
    Send("GET",
         absl::StrCat("/postback?program=acme&", token, "&order_id=o1&amount=1&currency=USD"));
  }
  const std::string body =
      R"({"program": "acme", "order_id": "o2", "amount": "1", "currency": "USD"})";
  PostbackPost(body);
  Call("GET", "/api/v1/programs/acme");
  Call("GET", "/api/v1/programs/acme/partners/p1/commissions");
  ASSERT_EQ(Send("GET", "/healthz").status, 200);
  const std::string log = process_->StderrOnceItHolds("/healthz");
  ASSERT_TRUE(absl::StrContains(log, "/postback?program=acme")) << "requests are logged at debug";
  EXPECT_TRUE(absl::StrContains(log, R"("request_id":")")) << log;
  for (const std::string& secret :
       {std::string(kSecret), encoded_secret, std::string(kAdminToken),
        Sign(body).substr(std::string("X-Signature: sha256=").size())}) {
    EXPECT_FALSE(absl::StrContains(log, secret)) << secret << " in:\n" << log;
  }
}

}  // namespace
}  // namespace clicktrack::testing
