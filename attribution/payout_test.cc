#include "attribution/payout.h"

#include "gtest/gtest.h"

namespace clicktrack::attribution {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

UnpaidEntry Entry(uint64_t id, int64_t commission, absl::Duration hold_left) {
  return UnpaidEntry{.entry_id = Ulid{.hi = 1, .lo = id},
                     .commission_minor = commission,
                     .approve_at = kNow + hold_left};
}

TEST(PayoutTest, BalanceSplitsPendingFromApprovedAndNetsReversals) {
  const std::vector<UnpaidEntry> unpaid = {
      Entry(1, 1000, -absl::Hours(1)),      // approved
      Entry(2, 500, absl::Hours(1)),        // pending
      Entry(3, -300, -absl::Hours(2)),      // a reversal of something paid
      Entry(4, 200, absl::ZeroDuration()),  // the hold ends now: approved
  };
  const Balance balance = BalanceOf(unpaid, kNow);
  EXPECT_EQ(balance.pending, 500);
  EXPECT_EQ(balance.approved, 1200);
  EXPECT_EQ(balance.balance, 900);
}

TEST(PayoutTest, SettlesEveryEntryWhoseHoldIsOverWhenTheyReachTheMinimum) {
  const std::vector<UnpaidEntry> unpaid = {Entry(1, 1000, -absl::Hours(1)),
                                           Entry(2, 500, absl::Hours(1)),
                                           Entry(3, -300, -absl::Hours(2))};
  const std::optional<Settlement> settled = Settle(unpaid, kNow, 700);
  ASSERT_TRUE(settled.has_value());
  EXPECT_EQ(settled->amount_minor, 700);
  EXPECT_EQ(settled->entries, (std::vector<Ulid>{unpaid[0].entry_id, unpaid[2].entry_id}));
  EXPECT_FALSE(Settle(unpaid, kNow, 701).has_value());
  // A negative balance pays nothing, whatever the minimum.
  EXPECT_FALSE(Settle({Entry(3, -300, -absl::Hours(2))}, kNow, 1).has_value());
  EXPECT_FALSE(Settle({Entry(2, 500, absl::Hours(1))}, kNow, 1).has_value());
  EXPECT_FALSE(Settle({}, kNow, 1).has_value());
}

}  // namespace
}  // namespace clicktrack::attribution
