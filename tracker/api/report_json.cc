#include "tracker/api/report_json.h"

#include <string>

#include "attribution/reports/figures.h"

namespace clicktrack::tracker {

boost::json::value MoneyOrNull(std::optional<int64_t> minor,
                               const attribution::Currency& currency) {
  return minor.has_value() ? boost::json::value(attribution::FormatAmount(*minor, currency))
                           : boost::json::value(nullptr);
}

boost::json::value PercentOrNull(std::optional<attribution::Percent> percent) {
  return percent.has_value() ? boost::json::value(attribution::FormatPercent(*percent))
                             : boost::json::value(nullptr);
}

boost::json::object EncodeFigures(const attribution::Program& program,
                                  const attribution::CounterTotals& totals) {
  using attribution::StatsCounter;
  const attribution::Currency& currency = program.currency;
  const auto money = [&](int64_t minor) { return attribution::FormatAmount(minor, currency); };
  const attribution::reports::Figures figures = attribution::reports::FiguresOf(totals);
  return boost::json::object{
      {"currency", std::string(currency.Code())},
      {"clicks", totals.Get(StatsCounter::kClicks)},
      {"unique_clicks", totals.Get(StatsCounter::kUniqueClicks)},
      {"customers_acquired", totals.Get(StatsCounter::kCustomersAcquired)},
      {"conversions", boost::json::object{{"lead", totals.Get(StatsCounter::kLeads)},
                                          {"first_sale", totals.Get(StatsCounter::kFirstSales)},
                                          {"repeat_sale", totals.Get(StatsCounter::kRepeatSales)},
                                          {"upsell", totals.Get(StatsCounter::kUpsells)},
                                          {"sales", figures.sales},
                                          {"total", figures.conversions}}},
      {"revenue", money(totals.Get(StatsCounter::kRevenue))},
      {"refunded", money(totals.Get(StatsCounter::kRefunded))},
      {"net_revenue", money(figures.net_revenue_minor)},
      {"commission",
       boost::json::object{{"lead", money(totals.Get(StatsCounter::kCommissionLead))},
                           {"first_sale", money(totals.Get(StatsCounter::kCommissionFirstSale))},
                           {"repeat_sale", money(totals.Get(StatsCounter::kCommissionRepeatSale))},
                           {"upsell", money(totals.Get(StatsCounter::kCommissionUpsell))},
                           {"bonus", money(totals.Get(StatsCounter::kBonus))},
                           {"total", money(figures.commission_minor)}}},
      {"epc", MoneyOrNull(figures.epc_minor, currency)},
      {"conversion_rate", PercentOrNull(figures.conversion_rate)},
      {"average_order_value", MoneyOrNull(figures.average_order_minor, currency)},
      {"repeat_purchase_rate", PercentOrNull(figures.repeat_purchase_rate)},
      {"average_customer_ltv", MoneyOrNull(figures.average_ltv_minor, currency)},
      {"average_sales_per_customer", PercentOrNull(figures.sales_per_customer)},
  };
}

boost::json::object EncodeCommissionByStatus(const attribution::Program& program,
                                             const attribution::CounterTotals& totals,
                                             int64_t pending_minor) {
  using attribution::StatsCounter;
  const int64_t reversed = -totals.Get(StatsCounter::kCommissionReversed);
  const int64_t paid = totals.Get(StatsCounter::kCommissionPaid);
  const int64_t accrued = attribution::reports::FiguresOf(totals).commission_minor + reversed;
  const auto money = [&](int64_t minor) {
    return attribution::FormatAmount(minor, program.currency);
  };
  return boost::json::object{{"pending", money(pending_minor)},
                             {"approved", money(accrued - paid - pending_minor)},
                             {"paid", money(paid)},
                             {"reversed", money(reversed)}};
}

}  // namespace clicktrack::tracker
