// What the dashboard draws (docs/dashboard.md): a daily series of a program or of one partner,
// and every partner's figures over a range (the partners table). Both read daily counters,
// never clicks or orders: one read of the range per partner.

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

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
namespace reports = attribution::reports;

// The figures of one day (or one partner) that the dashboard shows, after `row`'s own.
void AddFigures(const attribution::Program& program, const storage::StatsTotals& totals,
                boost::json::object& row) {
  const reports::Figures figures = reports::FiguresOf(totals);
  const auto money = [&](int64_t minor) {
    return attribution::FormatAmount(minor, program.currency);
  };
  row.emplace("clicks", totals.Get(StatsCounter::kClicks));
  row.emplace("unique_clicks", totals.Get(StatsCounter::kUniqueClicks));
  row.emplace("leads", totals.Get(StatsCounter::kLeads));
  row.emplace("sales", figures.sales);
  row.emplace("revenue", money(totals.Get(StatsCounter::kRevenue)));
  row.emplace("net_revenue", money(figures.net_revenue_minor));
  row.emplace("commission", money(figures.commission_minor));
}

// The series of `range` for each partner in `partner_ids`, summed day by day.
absl::StatusOr<HttpResponse> DailyResponse(const ApiContext& api, const Call& call,
                                           const DayRange& range,
                                           absl::Span<const std::string> partner_ids) {
  const attribution::Program& program = *call.program;
  std::vector<storage::StatsTotals> days(static_cast<size_t>(range.to - range.from) + 1);
  for (const std::string& partner_id : partner_ids) {
    CLICKTRACK_RETURN_IF_ERROR(
        api.reports.AddDailyStats(program.id, partner_id, range.from, absl::MakeSpan(days)));
  }
  boost::json::array series;
  series.reserve(days.size());
  for (size_t i = 0; i < days.size(); ++i) {
    boost::json::object row{{"day", DayText(range.from + static_cast<int64_t>(i))}};
    AddFigures(program, days[i], row);
    series.emplace_back(std::move(row));
  }
  return JsonResponse(200, {{"program_id", program.id},
                            {"from", DayText(range.from)},
                            {"to", DayText(range.to)},
                            {"currency", std::string(program.currency.Code())},
                            {"days", std::move(series)}});
}

}  // namespace

Reply ProgramDaily(const ApiContext& api, const Call& call) {
  // As in the KPIs, so that the series adds up to them: the unattributed conversions count
  // under "", and partners who joined after the range are left out.
  CLICKTRACK_ASSIGN_OR_RETURN(const DayRange range, ParseDayRange(call.query, api.clock.Now()));
  std::vector<std::string> partner_ids{""};
  for (const attribution::Partner& partner : api.config.ListPartners(call.program->id)) {
    if (JoinedDay(partner) <= range.to) {
      partner_ids.push_back(partner.id);
    }
  }
  return DailyResponse(api, call, range, partner_ids);
}

Reply PartnerDaily(const ApiContext& api, const Call& call) {
  CLICKTRACK_ASSIGN_OR_RETURN(const DayRange range, ParseDayRange(call.query, api.clock.Now()));
  const std::string partner_id(call.Param("partner"));
  CLICKTRACK_RETURN_IF_ERROR(api.config.GetPartner(call.program->id, partner_id).status());
  return DailyResponse(api, call, range, {&partner_id, 1});
}

Reply Leaderboard(const ApiContext& api, const Call& call) {
  const attribution::Program& program = *call.program;
  CLICKTRACK_ASSIGN_OR_RETURN(const DayRange range, ParseDayRange(call.query, api.clock.Now()));
  struct Row {
    const attribution::Partner* partner;
    storage::StatsTotals totals;
  };
  const std::vector<attribution::Partner> partners = api.config.ListPartners(program.id);
  std::vector<Row> rows;
  rows.reserve(partners.size());
  for (const attribution::Partner& partner : partners) {
    CLICKTRACK_ASSIGN_OR_RETURN(
        storage::StatsTotals totals,
        api.reports.ReadStats(program.id, partner.id, range.from, range.to));
    rows.push_back({&partner, totals});
  }
  // Highest revenue first; ties by partner id, so the order is stable between calls.
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return a.totals.Get(StatsCounter::kRevenue) > b.totals.Get(StatsCounter::kRevenue);
  });
  boost::json::array listed;
  listed.reserve(rows.size());
  for (const Row& row : rows) {
    boost::json::object out{{"partner_id", row.partner->id}, {"name", row.partner->name}};
    AddFigures(program, row.totals, out);
    const reports::Figures figures = reports::FiguresOf(row.totals);
    out.emplace("epc", MoneyOrNull(figures.epc_minor, program.currency));
    out.emplace("conversion_rate", PercentOrNull(figures.conversion_rate));
    listed.emplace_back(std::move(out));
  }
  return JsonResponse(200, {{"program_id", program.id},
                            {"from", DayText(range.from)},
                            {"to", DayText(range.to)},
                            {"currency", std::string(program.currency.Code())},
                            {"partners", std::move(listed)}});
}

}  // namespace clicktrack::tracker
