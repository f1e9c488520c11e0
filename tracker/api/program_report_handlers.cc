// Reports over a whole program (SPEC §6): KPIs for a range, and segments and tiers as of a day.
// Both read each partner's daily counters over the days asked, never clicks or orders.

#include <string>
#include <utility>
#include <vector>

#include "boost/json/array.hpp"

#include "attribution/base/status_macros.h"
#include "attribution/reports/figures.h"
#include "attribution/reports/segments.h"
#include "tracker/api/handlers.h"
#include "tracker/api/ledger_json.h"
#include "tracker/api/report_json.h"
#include "tracker/api/report_range.h"
#include "tracker/api/responses.h"

namespace clicktrack::tracker {
namespace {

using attribution::StatsCounter;
namespace reports = attribution::reports;

int64_t Conversions(const storage::StatsTotals& stats) {
  return reports::FiguresOf(stats).conversions;
}

// How many of the program's partners (joined by the range's end) were active in it (a click
// or a conversion), and made a sale.
struct PartnerCounts {
  int64_t all = 0;
  int64_t active = 0;
  int64_t with_sale = 0;
};

}  // namespace

Reply ProgramKpis(const ApiContext& api, const Call& call) {
  const attribution::Program& program = *call.program;
  CLICKTRACK_ASSIGN_OR_RETURN(const DayRange range, ParseDayRange(call.query, api.clock.Now()));
  // The unattributed conversions count under "": in the program's totals, no partner's.
  CLICKTRACK_ASSIGN_OR_RETURN(storage::StatsTotals totals,
                              api.reports.ReadStats(program.id, "", range.from, range.to));
  PartnerCounts partners;
  const absl::Time now = api.clock.Now();
  int64_t pending = 0;
  for (const attribution::Partner& partner : api.config.ListPartners(program.id)) {
    if (JoinedDay(partner) > range.to) {
      continue;
    }
    CLICKTRACK_ASSIGN_OR_RETURN(
        const storage::StatsTotals stats,
        api.reports.ReadStats(program.id, partner.id, range.from, range.to));
    CLICKTRACK_ASSIGN_OR_RETURN(
        const int64_t partner_pending,
        PendingCommission(api.reports, program, partner.id, range.from, range.to, now));
    pending += partner_pending;
    totals.Add(stats);
    ++partners.all;
    partners.active += stats.Get(StatsCounter::kClicks) > 0 || Conversions(stats) > 0 ? 1 : 0;
    partners.with_sale += reports::FiguresOf(stats).sales > 0 ? 1 : 0;
  }
  const reports::Figures figures = reports::FiguresOf(totals);
  boost::json::object out{
      {"program_id", program.id}, {"from", DayText(range.from)}, {"to", DayText(range.to)}};
  out["partners"] = boost::json::object{
      {"total", partners.all},
      {"active", partners.active},
      {"with_sale", partners.with_sale},
      {"with_sale_share", PercentOrNull(reports::PercentOf(partners.with_sale, partners.all))}};
  out["sales_volume"] =
      attribution::FormatAmount(totals.Get(StatsCounter::kRevenue), program.currency);
  out["average_check"] = MoneyOrNull(figures.average_order_minor, program.currency);
  out["repeat_sale_share"] = PercentOrNull(reports::PercentOf(
      totals.Get(StatsCounter::kRepeatSales) + totals.Get(StatsCounter::kUpsells), figures.sales));
  for (auto& [key, value] : EncodeFigures(program, totals)) {
    out[key] = std::move(value);
  }
  const boost::json::object by_status = EncodeCommissionByStatus(program, totals, pending);
  out["commission_paid"] = by_status.at("paid");
  out["commission_pending"] = by_status.at("pending");
  out["commission_by_status"] = by_status;
  return JsonResponse(200, out);
}

}  // namespace clicktrack::tracker
