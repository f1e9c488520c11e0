#include "tracker/codec/stripe_event.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

#include "tracker/codec/conversion_request.h"

namespace clicktrack::tracker {
namespace {

using attribution::EventEffect;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

std::string Event(absl::string_view type, absl::string_view object) {
  return absl::StrCat(R"({"id":"evt_1","object":"event","api_version":"2025-08-27.basil",)",
                      R"("created":1799999000,"type":")", type, R"(","data":{"object":)", object,
                      "}}");
}

StripeEvent Decode(absl::string_view type, absl::string_view object) {
  absl::StatusOr<StripeEvent> event = DecodeStripeEvent(Event(type, object), kNow);
  EXPECT_TRUE(event.ok()) << event.status();
  return event.ok() ? *event : StripeEvent{};
}

TEST(StripeEventTest, RefusesWhatIsNoEvent) {
  for (absl::string_view body : {"", "[]", "{}", R"({"id":"evt_1","type":"x"})",
                                 R"({"id":1,"type":"x","data":{"object":{}}})",
                                 R"({"id":"evt_1","type":"x","data":{"object":[]}})",
                                 R"({"id":"evt_1","type":"x","data":{}})"}) {
    EXPECT_EQ(DecodeStripeEvent(body, kNow).status().code(), absl::StatusCode::kInvalidArgument)
        << body;
  }
}

TEST(StripeEventTest, UnhandledTypeIsOnlyRemembered) {
  const StripeEvent event = Decode("customer.created", R"({"id":"cus_1"})");
  EXPECT_EQ(event.conversion.effect, EventEffect::kNone);
  EXPECT_EQ(event.conversion.source_event_id, "evt_1");
  EXPECT_EQ(event.note, "event type not handled");
  EXPECT_EQ(event.conversion.occurred_at, absl::FromUnixSeconds(1799999000));
}

TEST(StripeEventTest, PaidPaymentCheckoutIsASaleByPaymentIntent) {
  const StripeEvent event = Decode("checkout.session.completed", R"({
    "id":"cs_1","mode":"payment","payment_status":"paid","status":"complete",
    "client_reference_id":"01JD0000000000000000000000","customer":"cus_1",
    "customer_details":{"email":" Ann@Example.com "},"payment_intent":"pi_1",
    "invoice":null,"subscription":null,"amount_total":4900,"currency":"usd"})");
  EXPECT_EQ(event.conversion.effect, EventEffect::kConversion);
  EXPECT_EQ(event.conversion.order_id, "pi_1");
  EXPECT_EQ(event.conversion.amount_minor, 4900);
  EXPECT_EQ(event.currency, "usd");
  EXPECT_TRUE(event.conversion.identities.click_id.has_value());
  EXPECT_EQ(event.conversion.identities.customer_ref, "cus_1");
  EXPECT_EQ(event.conversion.identities.email_sha256, EmailSha256("ann@example.com"));
  EXPECT_TRUE(event.problem.empty());
}

TEST(StripeEventTest, CheckoutWithoutPaymentIntentUsesTheSessionId) {
  const StripeEvent event = Decode("checkout.session.async_payment_succeeded", R"({
    "id":"cs_2","mode":"payment","payment_status":"paid","payment_intent":null,
    "amount_total":100,"currency":"usd","invoice":"in_9"})");
  EXPECT_EQ(event.conversion.order_id, "cs_2");
  EXPECT_EQ(event.conversion.payment_refs, std::vector<std::string>{"in_9"});
}

TEST(StripeEventTest, CheckoutWithoutASaleOnlyLinksIdentities) {
  for (absl::string_view object : {
           R"({"id":"cs_3","mode":"subscription","payment_status":"paid","customer":"cus_3",
               "amount_total":2990,"currency":"usd","invoice":"in_3","subscription":"sub_3"})",
           R"({"id":"cs_4","mode":"payment","payment_status":"unpaid","customer":"cus_3",
               "amount_total":2990,"currency":"usd"})",
           R"({"id":"cs_5","mode":"payment","payment_status":"no_payment_required",
               "customer":"cus_3","amount_total":0,"currency":"usd"})",
           R"({"id":"cs_6","mode":"payment","payment_status":"paid","customer":"cus_3",
               "amount_total":0,"currency":"usd"})"}) {
    const StripeEvent event = Decode("checkout.session.completed", object);
    EXPECT_EQ(event.conversion.effect, EventEffect::kLinkIdentities) << object;
    EXPECT_EQ(event.conversion.identities.customer_ref, "cus_3");
    EXPECT_FALSE(event.note.empty());
  }
}

TEST(StripeEventTest, InvoicePaidInTheOldShapeNamesItsPayment) {
  const StripeEvent event = Decode("invoice.paid", R"({
    "id":"in_1","customer":"cus_1","amount_paid":2990,"amount_due":2990,"currency":"usd",
    "billing_reason":"subscription_cycle","status":"paid","paid":true,
    "subscription":"sub_1","payment_intent":"pi_1","charge":"ch_1"})");
  EXPECT_EQ(event.conversion.effect, EventEffect::kConversion);
  EXPECT_EQ(event.conversion.order_id, "in_1");
  EXPECT_EQ(event.conversion.type, attribution::ConversionType::kSale);
  EXPECT_EQ(event.conversion.identities.customer_ref, "cus_1");
  EXPECT_EQ(event.conversion.payment_refs, (std::vector<std::string>{"pi_1", "ch_1"}));
}

TEST(StripeEventTest, InvoicePaidInTheNewShapeAndAnUpgrade) {
  const StripeEvent event = Decode("invoice.paid", R"({
    "id":"in_2","customer":"cus_1","amount_paid":1500,"currency":"usd",
    "billing_reason":"subscription_update","status":"paid",
    "parent":{"type":"subscription_details","quote_details":null,
              "subscription_details":{"subscription":"sub_1","metadata":{}}},
    "payments":{"object":"list","has_more":false,"url":"/v1/invoice_payments",
                "data":[{"object":"invoice_payment","payment":{"type":"payment_intent",
                                                                "payment_intent":"pi_2"}}]}})");
  EXPECT_EQ(event.conversion.type, attribution::ConversionType::kUpsell);
  EXPECT_EQ(event.conversion.payment_refs, std::vector<std::string>{"pi_2"});
}

TEST(StripeEventTest, InvoicePaidWithNothingPaidIsNoSale) {
  const StripeEvent event = Decode(
      "invoice.paid", R"({"id":"in_3","customer":"cus_1","amount_paid":0,"currency":"usd"})");
  EXPECT_EQ(event.conversion.effect, EventEffect::kNone);
  EXPECT_EQ(event.note, "amount_paid is 0: no sale");
}

TEST(StripeEventTest, InvoicePaymentLinksAPaymentToItsInvoice) {
  const StripeEvent event = Decode("invoice_payment.paid", R"({
    "object":"invoice_payment","id":"inpay_1","invoice":"in_2","is_default":true,
    "status":"paid","amount_paid":2990,"currency":"usd",
    "payment":{"type":"charge","charge":"ch_2"}})");
  EXPECT_EQ(event.conversion.effect, EventEffect::kLinkPayment);
  EXPECT_EQ(event.conversion.order_id, "in_2");
  EXPECT_EQ(event.conversion.payment_refs, std::vector<std::string>{"ch_2"});
}

TEST(StripeEventTest, ChargeRefundedIsARunningTotal) {
  const StripeEvent event = Decode("charge.refunded", R"({
    "id":"ch_1","amount":2990,"amount_refunded":1000,"refunded":false,
    "payment_intent":"pi_1","invoice":"in_1","customer":"cus_1","currency":"usd"})");
  EXPECT_EQ(event.conversion.status, attribution::PaymentStatus::kRefunded);
  EXPECT_EQ(event.conversion.order_id, "pi_1");
  EXPECT_EQ(event.conversion.payment_refs, (std::vector<std::string>{"in_1", "ch_1"}));
  EXPECT_EQ(event.conversion.refund_total_key, "ch_1");
  EXPECT_EQ(event.conversion.amount_minor, 1000);
}

TEST(StripeEventTest, ChargeWithNoReferenceIsFoundByItsId) {
  const StripeEvent event =
      Decode("charge.refunded",
             R"({"id":"ch_2","amount_refunded":5,"payment_intent":null,"currency":"usd"})");
  EXPECT_EQ(event.conversion.order_id, "ch_2");
  EXPECT_TRUE(event.conversion.payment_refs.empty());
}

TEST(StripeEventTest, AMissingOrWrongFieldIsAProblemNotAnError) {
  struct Case {
    absl::string_view type, object, problem;
  };
  for (const Case& c : {
           Case{"invoice.paid", R"({"id":"in_1","currency":"usd"})",
                "event.data.object.amount_paid: is missing"},
           Case{"invoice.paid", R"({"id":"in_1","amount_paid":"12","currency":"usd"})",
                "event.data.object.amount_paid: must be an integer amount in minor units, 0 or "
                "more"},
           Case{"charge.refunded", R"({"amount_refunded":5,"currency":"usd"})",
                "event.data.object.id: is missing"},
           Case{"checkout.session.completed", R"({"id":"cs_1","mode":7})",
                "event.data.object.mode: must be a string"},
           Case{"invoice_payment.paid", R"({"invoice":"in_1"})",
                "event.data.object.payment: is missing"},
       }) {
    const StripeEvent event = Decode(c.type, c.object);
    EXPECT_EQ(event.problem, c.problem) << c.object;
    EXPECT_EQ(event.conversion.effect, EventEffect::kNone);
  }
}

}  // namespace
}  // namespace clicktrack::tracker
