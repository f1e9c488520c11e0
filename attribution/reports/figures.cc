#include "attribution/reports/figures.h"

namespace clicktrack::attribution::reports {

namespace {

// numerator × scale / denominator, rounded half away from zero, in 128 bits.
std::optional<int64_t> ScaledRatio(int64_t numerator, int64_t denominator, int64_t scale) {
  if (denominator == 0) {
    return std::nullopt;
  }
  __int128 n = static_cast<__int128>(numerator) * scale;
  __int128 d = denominator;
  if (d < 0) {
    n = -n;
    d = -d;
  }
  const __int128 magnitude = ((n < 0 ? -n : n) * 2 + d) / (2 * d);
  return static_cast<int64_t>(n < 0 ? -magnitude : magnitude);
}

std::optional<Percent> AsPercent(std::optional<int64_t> hundredths) {
  return hundredths.has_value() ? std::optional<Percent>(Percent{*hundredths}) : std::nullopt;
}

}  // namespace

std::optional<int64_t> RoundedRatio(int64_t numerator, int64_t denominator) {
  return ScaledRatio(numerator, denominator, 1);
}

std::optional<Percent> PercentOf(int64_t numerator, int64_t denominator) {
  return AsPercent(ScaledRatio(numerator, denominator, 100 * 100));
}

std::optional<Percent> HundredthsOf(int64_t numerator, int64_t denominator) {
  return AsPercent(ScaledRatio(numerator, denominator, 100));
}

Figures FiguresOf(const CounterTotals& totals) {
  using C = StatsCounter;
  Figures figures;
  figures.sales =
      totals.Get(C::kFirstSales) + totals.Get(C::kRepeatSales) + totals.Get(C::kUpsells);
  figures.conversions = figures.sales + totals.Get(C::kLeads);
  figures.commission_minor = totals.Get(C::kCommissionLead) + totals.Get(C::kCommissionFirstSale) +
                             totals.Get(C::kCommissionRepeatSale) +
                             totals.Get(C::kCommissionUpsell) + totals.Get(C::kBonus);
  figures.net_revenue_minor = totals.Get(C::kRevenue) - totals.Get(C::kRefunded);
  figures.epc_minor = RoundedRatio(figures.commission_minor, totals.Get(C::kClicks));
  figures.conversion_rate = PercentOf(figures.sales, totals.Get(C::kUniqueClicks));
  figures.average_order_minor = RoundedRatio(totals.Get(C::kRevenue), figures.sales);
  const int64_t acquired = totals.Get(C::kCustomersAcquired);
  figures.repeat_purchase_rate =
      PercentOf(totals.Get(C::kRepeatCustomers), totals.Get(C::kCustomersWithSale));
  figures.average_ltv_minor = RoundedRatio(totals.Get(C::kAcquiredNetRevenue), acquired);
  figures.sales_per_customer = HundredthsOf(totals.Get(C::kAcquiredSales), acquired);
  return figures;
}

}  // namespace clicktrack::attribution::reports
