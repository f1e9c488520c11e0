// A partner's cohorts (SPEC §6): its customers by month acquired, and what they did in each
// month since. Reads the cohort counters of the months asked, never orders.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "boost/json/array.hpp"

#include "attribution/base/status_macros.h"
#include "attribution/reports/figures.h"
#include "tracker/api/handlers.h"
#include "tracker/api/report_json.h"
#include "tracker/api/report_range.h"
#include "tracker/api/responses.h"

namespace clicktrack::tracker {
namespace {

using attribution::StatsCounter;
using attribution::reports::HundredthsOf;
using attribution::reports::PercentOf;
using attribution::reports::RoundedRatio;

// One cohort from its cells (ordered by month): its months from acquisition up to
// `last_month`, with cumulative LTV.
boost::json::object EncodeCohort(const attribution::Program& program, absl::CivilMonth cohort,
                                 absl::CivilMonth last_month,
                                 absl::Span<const storage::CohortCell> cells) {
  attribution::CounterTotals whole;
  for (const storage::CohortCell& cell : cells) {
    whole.Add(cell.values);
  }
  const int64_t customers = whole.Get(StatsCounter::kCustomersAcquired);
  boost::json::array months;
  int64_t cumulative_net = 0;
  size_t next = 0;
  for (absl::CivilMonth month = cohort; month <= last_month; ++month) {
    attribution::CounterTotals in_month;
    for (; next < cells.size() && cells[next].month <= month; ++next) {
      in_month.Add(cells[next].values);
    }
    const int64_t net = in_month.Get(StatsCounter::kAcquiredNetRevenue);
    cumulative_net += net;
    months.emplace_back(boost::json::object{
        {"month_index", month - cohort},
        {"month", MonthText(month)},
        {"sales", in_month.Get(StatsCounter::kAcquiredSales)},
        {"net_revenue", attribution::FormatAmount(net, program.currency)},
        {"cumulative_ltv_per_customer",
         MoneyOrNull(RoundedRatio(cumulative_net, customers), program.currency)},
    });
  }
  return boost::json::object{
      {"cohort", MonthText(cohort)},
      {"customers", customers},
      {"repeat_purchase_rate",
       PercentOrNull(PercentOf(whole.Get(StatsCounter::kRepeatCustomers), customers))},
      {"average_sales_per_customer",
       PercentOrNull(HundredthsOf(whole.Get(StatsCounter::kAcquiredSales), customers))},
      {"months", std::move(months)},
  };
}

}  // namespace

Reply Cohorts(const ApiContext& api, const Call& call) {
  const attribution::Program& program = *call.program;
  const absl::string_view partner_id = call.Param("partner");
  const absl::Time now = api.clock.Now();
  CLICKTRACK_ASSIGN_OR_RETURN(const MonthRange range, ParseMonthRange(call.query, now));
  CLICKTRACK_RETURN_IF_ERROR(api.config.GetPartner(program.id, partner_id).status());
  CLICKTRACK_ASSIGN_OR_RETURN(
      const std::vector<storage::CohortCell> cells,
      api.reports.ReadCohorts(program.id, partner_id, range.from, range.to));
  const absl::CivilMonth this_month(TodayUtc(now));
  boost::json::array cohorts;
  const absl::Span<const storage::CohortCell> all(cells);
  size_t first = 0;
  for (absl::CivilMonth cohort = range.from; cohort <= range.to && cohort <= this_month; ++cohort) {
    size_t end = first;
    while (end < all.size() && all[end].cohort == cohort) {
      ++end;
    }
    cohorts.emplace_back(
        EncodeCohort(program, cohort, this_month, all.subspan(first, end - first)));
    first = end;
  }
  return JsonResponse(200, boost::json::object{
                               {"program_id", program.id},
                               {"partner_id", std::string(partner_id)},
                               {"from", MonthText(range.from)},
                               {"to", MonthText(range.to)},
                               {"currency", std::string(program.currency.Code())},
                               {"cohorts", std::move(cohorts)},
                           });
}

}  // namespace clicktrack::tracker
