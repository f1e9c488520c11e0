// Owners carried over from another platform (SPEC §6 import, EventEffect::kSetOwner).

#include "gtest/gtest.h"

#include "attribution/engine_test_fixture.h"

namespace clicktrack::attribution {
namespace {

class OwnerEventsTest : public EngineTest {
 protected:
  static ConversionEvent Owner(absl::string_view ref, absl::string_view partner, absl::Time since) {
    ConversionEvent event{.occurred_at = since,
                          .identities = Identities{.customer_ref = std::string(ref)}};
    event.effect = EventEffect::kSetOwner;
    event.owner_partner_id = std::string(partner);
    return event;
  }
};

TEST_F(OwnerEventsTest, AnImportedOwnerIsCreditedWithTheCustomersLaterSales) {
  const Decision owned = Send(Owner("cus_1", "p1", kT0 - absl::Hours(24 * 100)));
  EXPECT_EQ(owned.result, Result::kLinked);
  ASSERT_TRUE(owned.put_customer.has_value());
  EXPECT_EQ(owned.put_customer->owner_partner_id, "p1");
  const Decision sale = Send(Sale("o1", 10000, kT0, Identities{.customer_ref = "cus_1"}));
  EXPECT_EQ(sale.result, Result::kAttributed);
  EXPECT_EQ(sale.conversion->partner_id, "p1");
  EXPECT_EQ(sale.conversion->acquired_at, kT0 - absl::Hours(24 * 100));
}

TEST_F(OwnerEventsTest, TheSameOwnerAgainChangesNothing) {
  Send(Owner("cus_1", "p1", kT0));
  const Decision again = Send(Owner("cus_1", "p1", kT0));
  EXPECT_EQ(again.result, Result::kDuplicate);
  EXPECT_TRUE(again.counters.empty());
}

TEST_F(OwnerEventsTest, TheEarliestOwnershipStands) {
  Send(Owner("cus_1", "p1", kT0));
  EXPECT_EQ(Send(Owner("cus_1", "p2", kT0 + absl::Hours(1))).result, Result::kDuplicate);
  const Decision earlier = Send(Owner("cus_1", "p2", kT0 - absl::Hours(1)));
  EXPECT_EQ(earlier.result, Result::kLinked);
  EXPECT_EQ(earlier.put_customer->owner_partner_id, "p2");
}

TEST_F(OwnerEventsTest, AnUnknownPartnerIsRefused) {
  const absl::StatusOr<Decision> decision =
      Attribute(program_, Owner("cus_1", "nobody", kT0), view_, ids_);
  EXPECT_EQ(decision.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(decision.status().message(), "partner_id: partner nobody not found");
}

}  // namespace
}  // namespace clicktrack::attribution
