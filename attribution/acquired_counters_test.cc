// The counters behind cohorts, repeat-purchase rates and LTV (SPEC §6): what each sale, refund
// and acquisition adds for the customers a partner acquired.

#include <map>
#include <tuple>

#include "gtest/gtest.h"

#include "attribution/engine_test_fixture.h"

namespace clicktrack::attribution {
namespace {

using Cell = std::tuple<std::string, absl::CivilMonth, absl::CivilMonth, StatsCounter>;

class AcquiredCountersTest : public EngineTest {
 protected:
  // Decides and applies, and adds the decision's cohort deltas to `cohorts_`.
  Decision SendCounting(const ConversionEvent& event) {
    Decision decision = Send(event);
    for (const CohortDelta& delta : decision.cohort_counters) {
      cohorts_[{delta.partner_id, delta.cohort, delta.month, delta.counter}] += delta.delta;
    }
    for (const CounterDelta& delta : decision.counters) {
      days_[{delta.partner_id, delta.day, delta.counter}] += delta.delta;
    }
    return decision;
  }
  int64_t CohortValue(absl::string_view partner, absl::CivilMonth cohort, absl::CivilMonth month,
                      StatsCounter counter) {
    return cohorts_[{std::string(partner), cohort, month, counter}];
  }
  int64_t DayValue(absl::string_view partner, absl::CivilDay day, StatsCounter counter) {
    return days_[{std::string(partner), day, counter}];
  }

  std::map<Cell, int64_t> cohorts_;
  std::map<std::tuple<std::string, absl::CivilDay, StatsCounter>, int64_t> days_;
};

const absl::CivilMonth kJan(2026, 1);
const absl::CivilMonth kFeb(2026, 2);
const absl::CivilMonth kMar(2026, 3);

TEST_F(AcquiredCountersTest, SalesOfAnAcquiredCustomerCountInItsCohortByMonth) {
  AddClick("p1", Customer(1), kT0 - absl::Hours(1));
  SendCounting(Sale("o1", 10000, kT0, Cookie(Customer(1))));                        // January
  SendCounting(Sale("o2", 5000, kT0 + absl::Hours(24 * 40), Cookie(Customer(1))));  // February
  SendCounting(Sale("o3", 2000, kT0 + absl::Hours(24 * 41), Cookie(Customer(1))));

  EXPECT_EQ(CohortValue("p1", kJan, kJan, StatsCounter::kCustomersAcquired), 1);
  EXPECT_EQ(CohortValue("p1", kJan, kJan, StatsCounter::kCustomersWithSale), 1);
  EXPECT_EQ(CohortValue("p1", kJan, kJan, StatsCounter::kAcquiredSales), 1);
  EXPECT_EQ(CohortValue("p1", kJan, kJan, StatsCounter::kAcquiredNetRevenue), 10000);
  EXPECT_EQ(CohortValue("p1", kJan, kFeb, StatsCounter::kRepeatCustomers), 1);  // once, at 2
  EXPECT_EQ(CohortValue("p1", kJan, kFeb, StatsCounter::kAcquiredSales), 2);
  EXPECT_EQ(CohortValue("p1", kJan, kFeb, StatsCounter::kAcquiredNetRevenue), 7000);
  // The daily counters go to the day acquired, however late the sale.
  const absl::CivilDay acquired(2026, 1, 1);
  EXPECT_EQ(DayValue("p1", acquired, StatsCounter::kAcquiredSales), 3);
  EXPECT_EQ(DayValue("p1", acquired, StatsCounter::kRepeatCustomers), 1);
  EXPECT_EQ(DayValue("p1", acquired, StatsCounter::kAcquiredNetRevenue), 17000);
}

TEST_F(AcquiredCountersTest, ARefundLowersTheCohortInTheMonthOfTheRefund) {
  AddClick("p1", Customer(1), kT0 - absl::Hours(1));
  SendCounting(Sale("o1", 10000, kT0, Cookie(Customer(1))));
  SendCounting(Refund("o1", 4000, kT0 + absl::Hours(24 * 60)));  // March
  EXPECT_EQ(CohortValue("p1", kJan, kMar, StatsCounter::kAcquiredNetRevenue), -4000);
  EXPECT_EQ(DayValue("p1", absl::CivilDay(2026, 1, 1), StatsCounter::kAcquiredNetRevenue), 6000);
  EXPECT_EQ(DayValue("p1", absl::CivilDay(2026, 3, 2), StatsCounter::kCommissionReversed), -800);
}

TEST_F(AcquiredCountersTest, LeadsAcquireButAreNoSales) {
  AddClick("p1", Customer(1), kT0 - absl::Hours(1));
  SendCounting(Sale("l1", 0, kT0, Cookie(Customer(1)), ConversionType::kLead));
  EXPECT_EQ(CohortValue("p1", kJan, kJan, StatsCounter::kCustomersAcquired), 1);
  EXPECT_EQ(CohortValue("p1", kJan, kJan, StatsCounter::kCustomersWithSale), 0);
  EXPECT_EQ(CohortValue("p1", kJan, kJan, StatsCounter::kAcquiredSales), 0);
}

TEST_F(AcquiredCountersTest, UnattributedSalesCountInNoCohort) {
  SendCounting(Sale("o1", 10000, kT0));
  EXPECT_TRUE(cohorts_.empty());
}

TEST_F(AcquiredCountersTest, AnOwnerTakenOverStartsANewCohortForTheNewPartner) {
  program_.attribution.lifetime = absl::Hours(24 * 10);
  AddClick("p1", Customer(1), kT0 - absl::Hours(1));
  SendCounting(Sale("o1", 10000, kT0, Cookie(Customer(1))));
  const absl::Time later = kT0 + absl::Hours(24 * 40);
  AddClick("p2", Customer(1), later - absl::Hours(1));
  SendCounting(Sale("o2", 3000, later, Cookie(Customer(1))));
  EXPECT_EQ(CohortValue("p2", kFeb, kFeb, StatsCounter::kCustomersAcquired), 1);
  EXPECT_EQ(CohortValue("p2", kFeb, kFeb, StatsCounter::kCustomersWithSale), 1);  // its first
  EXPECT_EQ(CohortValue("p2", kFeb, kFeb, StatsCounter::kRepeatCustomers), 0);
  EXPECT_EQ(CohortValue("p1", kJan, kFeb, StatsCounter::kAcquiredSales), 0);
}

TEST_F(AcquiredCountersTest, ThePartnersFirstConversionIsKeptInItsTotals) {
  AddClick("p1", Customer(1), kT0 - absl::Hours(1));
  SendCounting(Sale("o1", 10000, kT0, Cookie(Customer(1))));
  SendCounting(Sale("o2", 10000, kT0 + absl::Hours(5), Cookie(Customer(1))));
  const absl::StatusOr<PartnerTotals> totals = view_.FindPartnerTotals("p1");
  ASSERT_TRUE(totals.ok());
  EXPECT_EQ(totals->first_conversion_at, kT0);
}

}  // namespace
}  // namespace clicktrack::attribution
