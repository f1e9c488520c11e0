// The engine with a payment system's events (SPEC §4.5): payment references, links, running
// refund totals and source event ids.

#include <string>
#include <vector>

#include "gtest/gtest.h"

#include "attribution/engine_test_fixture.h"

namespace clicktrack::attribution {
namespace {

class PaymentEventsTest : public EngineTest {
 protected:
  static ConversionEvent Invoice(absl::string_view id, int64_t amount, absl::Time t,
                                 std::vector<std::string> refs = {}) {
    ConversionEvent event = Sale(id, amount, t, Identities{.customer_ref = "cus_1"});
    event.payment_refs = std::move(refs);
    return event;
  }
  static ConversionEvent ChargeRefunded(absl::string_view charge, int64_t running_total,
                                        absl::Time t, std::vector<std::string> names) {
    ConversionEvent event{.order_id = names.front(),
                          .amount_minor = running_total,
                          .status = PaymentStatus::kRefunded,
                          .occurred_at = t};
    event.payment_refs.assign(names.begin() + 1, names.end());
    event.refund_total_key = std::string(charge);
    return event;
  }
  static ConversionEvent Link(absl::string_view order, std::vector<std::string> refs,
                              absl::Time t) {
    ConversionEvent event{.order_id = std::string(order), .occurred_at = t};
    event.effect = EventEffect::kLinkPayment;
    event.payment_refs = std::move(refs);
    return event;
  }
};

TEST_F(PaymentEventsTest, ASourceEventIsDecidedOnce) {
  ConversionEvent event = Invoice("in_1", 1000, kT0);
  event.source_event_id = "evt_1";
  EXPECT_EQ(Send(event).result, Result::kUnattributed);
  event.order_id = "in_other";  // the id alone decides
  const Decision again = Send(event);
  EXPECT_EQ(again.result, Result::kDuplicate);
  EXPECT_FALSE(again.has_writes());
  EXPECT_EQ(view_.conversions().size(), 1u);
}

TEST_F(PaymentEventsTest, AnIgnoredEventIsStillRemembered) {
  const ConversionEvent event{.effect = EventEffect::kNone, .source_event_id = "evt_9"};
  const Decision first = Send(event);
  EXPECT_EQ(first.result, Result::kIgnored);
  EXPECT_TRUE(first.has_writes());
  EXPECT_EQ(Send(event).result, Result::kDuplicate);
}

TEST_F(PaymentEventsTest, LinkedIdentitiesLetALaterSaleFindTheClick) {
  const Ulid visitor = Customer(1);
  AddClick("p1", visitor, kT0 - absl::Hours(1));
  ConversionEvent checkout{.occurred_at = kT0,
                           .identities = {.cookie_customer = visitor, .customer_ref = "cus_1"}};
  checkout.effect = EventEffect::kLinkIdentities;
  EXPECT_EQ(Send(checkout).result, Result::kLinked);
  EXPECT_TRUE(view_.conversions().empty());
  const Decision sale = Send(Invoice("in_1", 2990, kT0 + absl::Minutes(1)));
  EXPECT_EQ(sale.result, Result::kAttributed);
  EXPECT_EQ(sale.conversion->partner_id, "p1");
}

TEST_F(PaymentEventsTest, ARunningTotalRefundsOnlyItsIncrease) {
  Send(Invoice("in_1", 3000, kT0, {"pi_1", "ch_1"}));
  const Decision first = Send(ChargeRefunded("ch_1", 1000, kT0 + absl::Hours(1), {"pi_1", "ch_1"}));
  EXPECT_EQ(first.result, Result::kReversed);
  EXPECT_EQ(first.refund->amount_minor, 1000);
  EXPECT_EQ(first.refund->refund_id, "ch_1+1000");
  const Decision late = Send(ChargeRefunded("ch_1", 1000, kT0 + absl::Hours(2), {"pi_1", "ch_1"}));
  EXPECT_EQ(late.result, Result::kDuplicate);
  const Decision full = Send(ChargeRefunded("ch_1", 3000, kT0 + absl::Hours(3), {"pi_1", "ch_1"}));
  EXPECT_EQ(full.refund->amount_minor, 2000);
  EXPECT_EQ(full.conversion->refunded_minor, 3000);
  // An older total delivered after a newer one changes nothing.
  EXPECT_EQ(Send(ChargeRefunded("ch_1", 2000, kT0 + absl::Hours(4), {"pi_1", "ch_1"})).result,
            Result::kDuplicate);
}

TEST_F(PaymentEventsTest, ARefundFindsItsOrderThroughALink) {
  Send(Invoice("in_1", 3000, kT0));
  EXPECT_EQ(Send(Link("in_1", {"pi_1"}, kT0 + absl::Minutes(1))).result, Result::kLinked);
  const Decision refund = Send(ChargeRefunded("ch_1", 500, kT0 + absl::Hours(1), {"pi_1", "ch_1"}));
  EXPECT_EQ(refund.result, Result::kReversed);
  EXPECT_EQ(refund.conversion->order_id, "in_1");
  EXPECT_EQ(refund.refund->order_id, "in_1");
}

TEST_F(PaymentEventsTest, ARefundBeforeItsLinkWaitsAndTheLinkAppliesIt) {
  Send(Invoice("in_1", 3000, kT0));
  const Decision queued = Send(ChargeRefunded("ch_1", 500, kT0 + absl::Hours(1), {"pi_1", "ch_1"}));
  EXPECT_EQ(queued.result, Result::kQueued);
  const Decision link = Send(Link("in_1", {"pi_1"}, kT0 + absl::Hours(2)));
  EXPECT_EQ(link.result, Result::kLinked);
  ASSERT_TRUE(link.put_conversion.has_value());
  EXPECT_EQ(link.put_conversion->refunded_minor, 500);
  EXPECT_EQ(view_.conversions().at("in_1").refunded_minor, 500);
}

TEST_F(PaymentEventsTest, ALinkBeforeItsOrderCarriesQueuedRefundsToIt) {
  EXPECT_EQ(Send(ChargeRefunded("ch_1", 500, kT0, {"pi_1", "ch_1"})).result, Result::kQueued);
  EXPECT_EQ(Send(Link("in_1", {"pi_1"}, kT0 + absl::Minutes(1))).result, Result::kLinked);
  const Decision order = Send(Invoice("in_1", 3000, kT0 + absl::Minutes(2)));
  EXPECT_EQ(order.conversion->refunded_minor, 500);
  // Applied once, though it waited under three names.
  EXPECT_EQ(Send(Invoice("in_2", 100, kT0 + absl::Minutes(3), {"ch_1"})).conversion->refunded_minor,
            0);
}

TEST_F(PaymentEventsTest, AnOrderArrivingWithAReferenceAppliesRefundsQueuedUnderIt) {
  EXPECT_EQ(Send(ChargeRefunded("ch_1", 700, kT0, {"pi_1", "ch_1"})).result, Result::kQueued);
  const Decision order = Send(Invoice("in_1", 3000, kT0 + absl::Minutes(1), {"pi_1"}));
  EXPECT_EQ(order.conversion->refunded_minor, 700);
}

TEST_F(PaymentEventsTest, OneOrderNamedTwiceIsRecordedOnce) {
  Send(Invoice("pi_1", 3000, kT0, {"in_1"}));
  const Decision again = Send(Invoice("in_1", 3000, kT0 + absl::Minutes(1)));
  EXPECT_EQ(again.result, Result::kDuplicate);
  EXPECT_EQ(again.conversion->order_id, "pi_1");
  EXPECT_EQ(view_.conversions().size(), 1u);
}

}  // namespace
}  // namespace clicktrack::attribution
