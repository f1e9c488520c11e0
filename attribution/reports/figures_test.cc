#include "attribution/reports/figures.h"

#include "gtest/gtest.h"

namespace clicktrack::attribution::reports {
namespace {

using C = StatsCounter;

TEST(RatioTest, RoundsHalvesAwayFromZeroAndHasNoneForZero) {
  EXPECT_EQ(RoundedRatio(5, 2), 3);
  EXPECT_EQ(RoundedRatio(-5, 2), -3);
  EXPECT_EQ(RoundedRatio(4, 3), 1);
  EXPECT_EQ(RoundedRatio(7, 0), std::nullopt);
  EXPECT_EQ(PercentOf(1, 8)->hundredths, 1250);
  EXPECT_EQ(PercentOf(2, 3)->hundredths, 6667);
  EXPECT_EQ(HundredthsOf(3, 2)->hundredths, 150);
  EXPECT_EQ(RoundedRatio(INT64_MAX, 1), INT64_MAX);  // no overflow inside
}

TEST(FiguresTest, DerivesEveryRatioFromTheCounters) {
  CounterTotals totals;
  totals.values[static_cast<size_t>(C::kClicks)] = 200;
  totals.values[static_cast<size_t>(C::kUniqueClicks)] = 160;
  totals.values[static_cast<size_t>(C::kLeads)] = 3;
  totals.values[static_cast<size_t>(C::kFirstSales)] = 5;
  totals.values[static_cast<size_t>(C::kRepeatSales)] = 2;
  totals.values[static_cast<size_t>(C::kUpsells)] = 1;
  totals.values[static_cast<size_t>(C::kRevenue)] = 80000;
  totals.values[static_cast<size_t>(C::kRefunded)] = 5000;
  totals.values[static_cast<size_t>(C::kCommissionFirstSale)] = 10000;
  totals.values[static_cast<size_t>(C::kCommissionRepeatSale)] = 1500;
  totals.values[static_cast<size_t>(C::kBonus)] = 2500;
  totals.values[static_cast<size_t>(C::kCustomersAcquired)] = 6;
  totals.values[static_cast<size_t>(C::kCustomersWithSale)] = 5;
  totals.values[static_cast<size_t>(C::kRepeatCustomers)] = 2;
  totals.values[static_cast<size_t>(C::kAcquiredSales)] = 9;
  totals.values[static_cast<size_t>(C::kAcquiredNetRevenue)] = 90000;

  const Figures figures = FiguresOf(totals);
  EXPECT_EQ(figures.sales, 8);
  EXPECT_EQ(figures.conversions, 11);
  EXPECT_EQ(figures.commission_minor, 14000);
  EXPECT_EQ(figures.net_revenue_minor, 75000);
  EXPECT_EQ(figures.epc_minor, 70);                           // 140.00 / 200 clicks
  EXPECT_EQ(figures.conversion_rate->hundredths, 500);        // 8 / 160 = 5 %
  EXPECT_EQ(figures.average_order_minor, 10000);              // 800.00 / 8
  EXPECT_EQ(figures.repeat_purchase_rate->hundredths, 4000);  // 2 / 5
  EXPECT_EQ(figures.average_ltv_minor, 15000);                // 900.00 / 6
  EXPECT_EQ(figures.sales_per_customer->hundredths, 150);     // 9 / 6
}

TEST(FiguresTest, NothingToDivideByGivesNoRatios) {
  const Figures figures = FiguresOf(CounterTotals{});
  EXPECT_EQ(figures.epc_minor, std::nullopt);
  EXPECT_EQ(figures.conversion_rate, std::nullopt);
  EXPECT_EQ(figures.average_order_minor, std::nullopt);
  EXPECT_EQ(figures.repeat_purchase_rate, std::nullopt);
  EXPECT_EQ(figures.average_ltv_minor, std::nullopt);
  EXPECT_EQ(figures.sales_per_customer, std::nullopt);
}

}  // namespace
}  // namespace clicktrack::attribution::reports
