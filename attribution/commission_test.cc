#include "attribution/commission.h"

#include <map>
#include <optional>

#include "gtest/gtest.h"

#include "attribution/customer_alias.h"

namespace clicktrack::attribution {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

LedgerEntry Entry(LedgerType type, absl::Time approve_at) {
  return LedgerEntry{.type = type, .commission_minor = 100, .approve_at = approve_at};
}

TEST(EntryStatusTest, AReversalIsReversed) {
  EXPECT_EQ(EntryStatusAt(Entry(LedgerType::kReversal, kNow + absl::Hours(1)), nullptr, kNow),
            CommissionStatus::kReversed);
}

TEST(EntryStatusTest, ABonusIsPendingUntilItsApproveAt) {
  EXPECT_EQ(EntryStatusAt(Entry(LedgerType::kBonus, kNow + absl::Hours(1)), nullptr, kNow),
            CommissionStatus::kPending);
  EXPECT_EQ(EntryStatusAt(Entry(LedgerType::kBonus, kNow), nullptr, kNow),
            CommissionStatus::kApproved);
}

TEST(EntryStatusTest, AnAccrualHasItsConversionsStatus) {
  Conversion conversion{.partner_id = "p1",
                        .amount_minor = 1000,
                        .commission_minor = 100,
                        .approve_at = kNow - absl::Hours(1)};
  const LedgerEntry accrual = Entry(LedgerType::kAccrual, conversion.approve_at);
  EXPECT_EQ(EntryStatusAt(accrual, &conversion, kNow), CommissionStatus::kApproved);
  conversion.reversed_minor = 100;  // refunds took all of it back
  EXPECT_EQ(EntryStatusAt(accrual, &conversion, kNow), CommissionStatus::kReversed);
  // Without its conversion (unreadable, say), the entry's own dates decide.
  EXPECT_EQ(EntryStatusAt(accrual, nullptr, kNow), CommissionStatus::kApproved);
}

TEST(ParseNamesTest, EveryNameTheApiTakesAndNothingElse) {
  EXPECT_EQ(ParseConversionType("sale"), ConversionType::kSale);
  EXPECT_EQ(ParseConversionType("upsell"), ConversionType::kUpsell);
  EXPECT_EQ(ParseConversionType("lead"), ConversionType::kLead);
  EXPECT_EQ(ParseConversionType("Sale"), std::nullopt);
  EXPECT_EQ(ParsePaymentStatus("approved"), PaymentStatus::kApproved);
  EXPECT_EQ(ParsePaymentStatus("refunded"), PaymentStatus::kRefunded);
  EXPECT_EQ(ParsePaymentStatus("chargeback"), PaymentStatus::kChargeback);
  EXPECT_EQ(ParsePaymentStatus(""), std::nullopt);
  for (AttributionModel model : {AttributionModel::kLastClick, AttributionModel::kFirstClick}) {
    EXPECT_EQ(ParseAttributionModel(AttributionModelName(model)), model);
  }
  EXPECT_EQ(ParseAttributionModel("linear"), std::nullopt);
}

TEST(SurvivingCustomerTest, FollowsAliasesAndStopsOnACycle) {
  const Ulid a = Ulid::Make(kNow, 0, 1);
  const Ulid b = Ulid::Make(kNow, 0, 2);
  const Ulid c = Ulid::Make(kNow, 0, 3);
  std::map<Ulid, Ulid> aliases = {{a, b}, {b, c}};
  auto find = [&](const Ulid& id) -> absl::StatusOr<std::optional<Ulid>> {
    auto it = aliases.find(id);
    return it == aliases.end() ? std::nullopt : std::optional<Ulid>(it->second);
  };
  EXPECT_EQ(*SurvivingCustomer(a, find), c);
  EXPECT_EQ(*SurvivingCustomer(c, find), c);
  aliases[c] = a;  // corrupt data: a cycle ends after a bounded walk
  EXPECT_TRUE(SurvivingCustomer(a, find).ok());
  auto failing = [](const Ulid&) -> absl::StatusOr<std::optional<Ulid>> {
    return absl::UnavailableError("disk");
  };
  EXPECT_EQ(SurvivingCustomer(a, failing).status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace clicktrack::attribution
