// Stripe webhooks against a real trackerd (SPEC §4.5): signed events in the old (before
// 2025-03-31) and the new API shape, a subscription's whole life, redeliveries and events out
// of order, and what bad input gets.

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include <openssl/hmac.h>

#include "tests/conversion_fixture.h"

namespace clicktrack::testing {
namespace {

constexpr char kWebhookSecret[] = "whsec_test_0123456789";

std::string StripeSignature(absl::string_view body, int64_t t, absl::string_view secret) {
  const std::string payload = absl::StrCat(t, ".", body);
  unsigned char mac[32];
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), mac, &size);
  return absl::StrCat(
      "t=", t,
      ",v1=", absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(mac), size)),
      ",v0=deadbeef");
}

enum class Shape { kOld, kNew };

class StripeTest : public ConversionFixture, public ::testing::WithParamInterface<Shape> {
 protected:
  void SetUp() override {
    ConversionFixture::SetUp();
    ASSERT_EQ(Call("PUT", "/api/v1/programs/acme",
                   absl::StrCat(R"({"name": "Acme SaaS", "currency": "USD",
                     "stripe_webhook_secret": ")",
                                kWebhookSecret, R"(", "allowed_hosts": ["shop.example.com"],
                     "commission": {"first_sale": {"percent": "20"},
                                    "repeat_sale": {"percent": "10"},
                                    "upsell": {"percent": "15"}}})"))
                  .status,
              200);
  }

  bool old_shape() const { return GetParam() == Shape::kOld; }

  HttpResult Webhook(absl::string_view body, absl::string_view program = "acme") {
    const int64_t now = absl::ToUnixSeconds(absl::Now());
    return Send("POST", absl::StrCat("/webhooks/stripe/", program), body,
                {absl::StrCat("Stripe-Signature: ", StripeSignature(body, now, kWebhookSecret))});
  }

  // An event envelope around `object`, with a fresh id unless one is given.
  std::string Event(absl::string_view type, absl::string_view object, std::string id = "") {
    if (id.empty()) {
      id = absl::StrCat("evt_", ++events_);
    }
    return absl::StrCat(R"({"id":")", id, R"(","object":"event","api_version":")",
                        old_shape() ? "2024-06-20" : "2025-08-27.basil", R"(","created":)",
                        absl::ToUnixSeconds(absl::Now()) + 1,  // clamped to now
                        R"(,"livemode":false,"pending_webhooks":1,"request":{"id":null},)",
                        R"("type":")", type, R"(","data":{"object":)", object, "}}");
  }

  // Sends an event and returns the result word of its 200 answer.
  std::string Deliver(absl::string_view type, absl::string_view object) {
    const HttpResult result = Webhook(Event(type, object));
    EXPECT_EQ(result.status, 200) << result.body;
    return Field(Json(result), "result");
  }

  std::string Invoice(absl::string_view id, int64_t amount, absl::string_view reason,
                      absl::string_view payment) {
    const std::string common =
        absl::StrCat(R"({"object":"invoice","id":")", id, R"(","customer":"cus_A","amount_paid":)",
                     amount, R"(,"amount_due":)", amount,
                     R"(,"currency":"usd","status":"paid","billing_reason":")", reason, R"(")");
    if (old_shape()) {
      return absl::StrCat(common, R"(,"paid":true,"subscription":"sub_A","payment_intent":"pi_)",
                          payment, R"(","charge":"ch_)", payment, R"("})");
    }
    return absl::StrCat(common, R"(,"parent":{"type":"subscription_details","quote_details":null,)",
                        R"("subscription_details":{"subscription":"sub_A","metadata":{}}}})");
  }

  std::string InvoicePayment(absl::string_view invoice, absl::string_view payment) {
    return absl::StrCat(
        R"({"object":"invoice_payment","id":"inpay_)", payment, R"(","invoice":")", invoice,
        R"(","is_default":true,"status":"paid","amount_paid":2990,)",
        R"("currency":"usd","payment":{"type":"payment_intent","payment_intent":"pi_)", payment,
        R"("}})");
  }

  std::string ChargeRefunded(absl::string_view payment, absl::string_view invoice, int64_t amount,
                             int64_t refunded) {
    return absl::StrCat(R"({"object":"charge","id":"ch_)", payment, R"(","amount":)", amount,
                        R"(,"amount_refunded":)", refunded, R"(,"refunded":)",
                        refunded == amount ? "true" : "false", R"(,"payment_intent":"pi_)", payment,
                        R"(","customer":"cus_A",)",
                        old_shape() ? absl::StrCat(R"("invoice":")", invoice, R"(",)") : "",
                        R"("currency":"usd"})");
  }

  // A paid invoice: in the new shape, with its invoice_payment.paid (before it when
  // `payment_first`), since the invoice no longer names its payment.
  void PayInvoice(absl::string_view id, int64_t amount, absl::string_view reason,
                  absl::string_view payment, absl::string_view want, bool payment_first = false) {
    if (!old_shape() && payment_first) {
      EXPECT_EQ(Deliver("invoice_payment.paid", InvoicePayment(id, payment)), "linked");
    }
    EXPECT_EQ(Deliver("invoice.paid", Invoice(id, amount, reason, payment)), want) << id;
    if (!old_shape() && !payment_first) {
      EXPECT_EQ(Deliver("invoice_payment.paid", InvoicePayment(id, payment)), "linked");
    }
  }

  boost::json::object Stats() {
    return Json(Call("GET", "/api/v1/programs/acme/partners/p1/stats"));
  }

  int events_ = 0;
};

TEST_P(StripeTest, ASubscriptionsWholeLife) {
  const std::string location = Click("/go/c1").Header("location");
  const std::string click_id = location.substr(location.find("click_id=") + 9);
  ASSERT_EQ(
      Deliver("checkout.session.completed",
              absl::StrCat(R"({"object":"checkout.session","id":"cs_A","mode":"subscription",)",
                           R"("payment_status":"paid","status":"complete",)",
                           R"("client_reference_id":")", click_id,
                           R"(","customer":"cus_A","customer_details":{"email":"a@x.io"},)",
                           R"("payment_intent":null,"invoice":"in_1","subscription":"sub_A",)",
                           R"("amount_total":2990,"currency":"usd"})")),
      "linked");
  PayInvoice("in_1", 2990, "subscription_create", "1", "attributed");
  PayInvoice("in_2", 2990, "subscription_cycle", "2", "attributed");
  PayInvoice("in_3", 2990, "subscription_cycle", "3", "attributed", /*payment_first=*/true);
  // A refund of the fourth renewal before its invoice_payment.paid: queued, then applied.
  EXPECT_EQ(Deliver("invoice.paid", Invoice("in_4", 2990, "subscription_cycle", "4")),
            "attributed");
  EXPECT_EQ(Deliver("charge.refunded", ChargeRefunded("4", "in_4", 2990, 2990)),
            old_shape() ? "reversed" : "queued");
  if (!old_shape()) {
    EXPECT_EQ(Deliver("invoice_payment.paid", InvoicePayment("in_4", "4")), "linked");
  }
  PayInvoice("in_5", 1500, "subscription_update", "5", "attributed");
  // A partial refund of the second invoice, then the rest: only the increase counts, and
  // Stripe's redelivery of the first changes nothing.
  const std::string partial = Event("charge.refunded", ChargeRefunded("2", "in_2", 2990, 1000));
  EXPECT_EQ(Field(Json(Webhook(partial)), "result"), "reversed");
  EXPECT_EQ(Field(Json(Webhook(partial)), "result"), "duplicate");
  EXPECT_EQ(Deliver("charge.refunded", ChargeRefunded("2", "in_2", 2990, 2990)), "reversed");
  EXPECT_EQ(Deliver("charge.refunded", ChargeRefunded("2", "in_2", 2990, 1000)), "duplicate");

  const boost::json::object stats = Stats();
  const boost::json::object& conversions = stats.at("conversions").as_object();
  EXPECT_EQ(conversions.at("first_sale").as_int64(), 1);
  EXPECT_EQ(conversions.at("repeat_sale").as_int64(), 3);
  EXPECT_EQ(conversions.at("upsell").as_int64(), 1);
  EXPECT_EQ(Field(stats, "revenue"), "134.60");  // 4 × 29.90 + 15.00
  EXPECT_EQ(Field(stats, "refunded"), "59.80");  // in_2 and in_4 in full
  // 5.98 + 3 × 2.99 + 2.25, less in_2's and in_4's 2.99 each.
  EXPECT_EQ(Field(stats.at("commission").as_object(), "total"), "11.22");
  const boost::json::object customer =
      Json(Call("GET", "/api/v1/programs/acme/customers?ref=cus_A"));
  EXPECT_EQ(Field(customer, "revenue"), "74.80");
  EXPECT_EQ(customer.at("orders").as_int64(), 5);
}

TEST_P(StripeTest, ARedeliveredEventChangesNothing) {
  const std::string event = Event("invoice.paid", Invoice("in_9", 1000, "manual", "9"));
  EXPECT_EQ(Field(Json(Webhook(event)), "result"), "unattributed");
  EXPECT_EQ(Field(Json(Webhook(event)), "result"), "duplicate");
  EXPECT_EQ(Field(Stats(), "revenue"), "0.00");
}

INSTANTIATE_TEST_SUITE_P(BothApiShapes, StripeTest, ::testing::Values(Shape::kOld, Shape::kNew),
                         [](const auto& info) {
                           return info.param == Shape::kOld ? "Before20250331" : "Basil";
                         });

class StripeInputTest : public StripeTest {};

TEST_P(StripeInputTest, BadSignaturesAndBodiesAre400AndStoreNothing) {
  const std::string body = Event("invoice.paid", Invoice("in_1", 1000, "manual", "1"));
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  const auto post = [&](absl::string_view header, absl::string_view text) {
    std::vector<std::string> headers;
    if (!header.empty()) {
      headers.push_back(absl::StrCat("Stripe-Signature: ", header));
    }
    return Send("POST", "/webhooks/stripe/acme", text, headers);
  };
  for (const std::string& header :
       {std::string(""), std::string("garbage"), StripeSignature(body, now, "whsec_other_secret!"),
        StripeSignature(body, now - 301, kWebhookSecret),
        absl::StrReplaceAll(StripeSignature(body, now, kWebhookSecret), {{"v1=", "v0="}})}) {
    const HttpResult result = post(header, body);
    EXPECT_EQ(result.status, 400) << header;
    EXPECT_NE(result.body.find("Stripe-Signature"), std::string::npos) << result.body;
  }
  for (const std::string text : {"{}", "[1]", R"({"id":"evt_x","type":"invoice.paid"})"}) {
    EXPECT_EQ(post(StripeSignature(text, now, kWebhookSecret), text).status, 400) << text;
  }
  // Two v1 values while a secret rolls: either may match.
  const std::string rolled = absl::StrCat(
      StripeSignature(body, now, "whsec_old_secret_xx"), ",",
      StripeSignature(body, now, kWebhookSecret).substr(absl::StrCat("t=", now, ",").size()));
  EXPECT_EQ(post(rolled, body).status, 200);
  EXPECT_EQ(Send("POST", "/webhooks/stripe/nope", body, {"Stripe-Signature: t=1,v1=00"}).status,
            404);
}

TEST_P(StripeInputTest, AProgramWithoutASecretRefusesWebhooks) {
  ASSERT_EQ(Call("PUT", "/api/v1/programs/plain", R"({"name": "Plain", "currency": "USD"})").status,
            200);
  const HttpResult result = Webhook(Event("invoice.paid", "{}"), "plain");
  EXPECT_EQ(result.status, 400);
  EXPECT_NE(result.body.find("stripe_webhook_secret"), std::string::npos) << result.body;
}

TEST_P(StripeInputTest, UnusableEventsAre200AndChangeNothing) {
  EXPECT_EQ(Deliver("customer.subscription.updated", R"({"id":"sub_A"})"), "ignored");
  const HttpResult missing = Webhook(Event("invoice.paid", R"({"id":"in_7","currency":"usd"})"));
  EXPECT_EQ(missing.status, 200);
  EXPECT_EQ(Field(Json(missing), "reason"), "event.data.object.amount_paid: is missing");
  const std::string euros =
      absl::StrReplaceAll(Invoice("in_8", 1000, "manual", "8"), {{R"("usd")", R"("eur")"}});
  const HttpResult rejected = Webhook(Event("invoice.paid", euros));
  EXPECT_EQ(Field(Json(rejected), "result"), "rejected");
  EXPECT_EQ(Field(Stats(), "revenue"), "0.00");
  for (const char* warning :
       {"currency EUR is not the program's USD", "event.data.object.amount_paid: is missing"}) {
    EXPECT_TRUE(absl::StrContains(process_->StderrOnceItHolds(warning), warning)) << warning;
  }
}

INSTANTIATE_TEST_SUITE_P(NewShape, StripeInputTest, ::testing::Values(Shape::kNew));

}  // namespace
}  // namespace clicktrack::testing
