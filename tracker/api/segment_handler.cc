// Segments and tiers as of a day (SPEC §6), with who moved since the previous window. The
// rules are attribution/reports/segments.h; this reads what they need of each partner: its
// counters over the segment and tier windows, and when it first converted.

#include <array>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "boost/json/array.hpp"

#include "attribution/base/status_macros.h"
#include "attribution/reports/segments.h"
#include "tracker/api/handlers.h"
#include "tracker/api/report_json.h"
#include "tracker/api/report_range.h"
#include "tracker/api/responses.h"
#include "tracker/common/json_text.h"

namespace clicktrack::tracker {
namespace {

using attribution::StatsCounter;
namespace reports = attribution::reports;

absl::CivilDay DayOf(absl::Time time) { return absl::ToCivilDay(time, absl::UTCTimeZone()); }

// What the rules read of one partner as of `days[0]` and as of `days[1]`, from one read of
// its counters over the four windows.
absl::StatusOr<std::array<reports::PartnerActivity, 2>> ActivityOf(
    const ApiContext& api, const attribution::Program& program, const attribution::Partner& partner,
    const attribution::PartnerTotals& totals, const std::array<absl::CivilDay, 2>& days) {
  std::array<storage::ReportReader::DayInterval, 4> ranges;
  for (size_t i = 0; i < days.size(); ++i) {
    const reports::DayRange window = reports::SegmentWindow(days[i], program.segments);
    const reports::DayRange tier_window = reports::TierWindow(days[i]);
    ranges[2 * i] = {.first = window.first, .last = window.last};
    ranges[2 * i + 1] = {.first = tier_window.first, .last = tier_window.last};
  }
  CLICKTRACK_ASSIGN_OR_RETURN(const std::vector<storage::StatsTotals> sums,
                              api.reports.ReadStatsRanges(program.id, partner.id, ranges));
  const auto conversions = [](const storage::StatsTotals& stats) {
    return stats.Get(StatsCounter::kLeads) + stats.Get(StatsCounter::kFirstSales) +
           stats.Get(StatsCounter::kRepeatSales) + stats.Get(StatsCounter::kUpsells);
  };
  std::array<reports::PartnerActivity, 2> activities;
  for (size_t i = 0; i < days.size(); ++i) {
    const storage::StatsTotals& in_window = sums[2 * i];
    activities[i] = reports::PartnerActivity{
        .partner_id = partner.id,
        .joined = DayOf(partner.joined_at),
        .converted_before_window = totals.first_conversion_at.has_value() &&
                                   DayOf(*totals.first_conversion_at) < ranges[2 * i].first,
        .clicks_in_window = in_window.Get(StatsCounter::kClicks),
        .conversions_in_window = conversions(in_window),
        .revenue_in_window = in_window.Get(StatsCounter::kRevenue),
        .revenue_in_tier_window = sums[2 * i + 1].Get(StatsCounter::kRevenue),
    };
  }
  return activities;
}

// The standings of every partner as of a day, and the activity behind them by partner id.
struct Standings {
  std::vector<reports::PartnerStanding> standings;
  std::map<std::string, reports::PartnerActivity> activity;
};

// The standings as of `days[0]` and as of `days[1]`.
absl::StatusOr<std::array<Standings, 2>> StandingsAsOf(
    const ApiContext& api, const attribution::Program& program,
    const std::vector<attribution::Partner>& partners,
    const std::map<std::string, attribution::PartnerTotals>& totals,
    const std::array<absl::CivilDay, 2>& days) {
  std::array<std::vector<reports::PartnerActivity>, 2> activities;
  for (const attribution::Partner& partner : partners) {
    CLICKTRACK_ASSIGN_OR_RETURN(auto both,
                                ActivityOf(api, program, partner, totals.at(partner.id), days));
    for (size_t i = 0; i < days.size(); ++i) {
      activities[i].push_back(std::move(both[i]));
    }
  }
  std::array<Standings, 2> out;
  for (size_t i = 0; i < days.size(); ++i) {
    out[i].standings = reports::Standings(days[i], program.segments, activities[i]);
    for (reports::PartnerActivity& activity : activities[i]) {
      std::string id = activity.partner_id;
      out[i].activity.emplace(std::move(id), std::move(activity));
    }
  }
  return out;
}

boost::json::object EncodeStanding(const attribution::Program& program,
                                   const reports::PartnerStanding& standing,
                                   const reports::PartnerActivity& activity,
                                   const attribution::Partner& partner,
                                   const attribution::PartnerTotals& totals) {
  const auto money = [&](int64_t minor) {
    return attribution::FormatAmount(minor, program.currency);
  };
  return boost::json::object{
      {"partner_id", standing.partner_id},
      {"name", partner.name},
      {"segment", std::string(reports::SegmentName(standing.segment))},
      {"tier", std::string(reports::TierName(standing.tier))},
      {"recommended_action", std::string(reports::RecommendedAction(standing.segment))},
      {"metrics",
       boost::json::object{
           {"joined_at", FormatTimestamp(partner.joined_at)},
           {"age_days", standing.age_days},
           {"first_conversion_at",
            totals.first_conversion_at.has_value()
                ? boost::json::value(FormatTimestamp(*totals.first_conversion_at))
                : boost::json::value(nullptr)},
           {"clicks_in_window", activity.clicks_in_window},
           {"conversions_in_window", activity.conversions_in_window},
           {"revenue_in_window", money(activity.revenue_in_window)},
           {"revenue_share",
            attribution::FormatPercent(attribution::Percent{standing.revenue_share_hundredths})},
           {"revenue_in_tier_window", money(activity.revenue_in_tier_window)},
           {"tier_rank", standing.tier_rank == 0 ? boost::json::value(nullptr)
                                                 : boost::json::value(standing.tier_rank)},
       }},
  };
}

boost::json::object EncodeMoves(const std::vector<reports::Move>& moves,
                                absl::CivilDay compared_with) {
  boost::json::array out;
  for (const reports::Move& move : moves) {
    out.emplace_back(boost::json::object{
        {"partner_id", move.partner_id},
        {"direction", reports::MovedUp(move) ? "up" : "down"},
        {"segment",
         boost::json::object{{"from", std::string(reports::SegmentName(move.segment_before))},
                             {"to", std::string(reports::SegmentName(move.segment_now))}}},
        {"tier", boost::json::object{{"from", std::string(reports::TierName(move.tier_before))},
                                     {"to", std::string(reports::TierName(move.tier_now))}}},
    });
  }
  return boost::json::object{{"compared_with", DayText(compared_with)}, {"moves", std::move(out)}};
}

boost::json::object EncodeWindow(reports::DayRange range) {
  return boost::json::object{{"from", DayText(range.first)}, {"to", DayText(range.last)}};
}

}  // namespace

Reply Segments(const ApiContext& api, const Call& call) {
  const attribution::Program& program = *call.program;
  CLICKTRACK_ASSIGN_OR_RETURN(const absl::CivilDay as_of, ParseAsOf(call.query, api.clock.Now()));
  const std::vector<attribution::Partner> partners = api.config.ListPartners(program.id);
  std::map<std::string, attribution::PartnerTotals> totals;
  std::map<std::string, const attribution::Partner*> by_id;
  for (const attribution::Partner& partner : partners) {
    CLICKTRACK_ASSIGN_OR_RETURN(totals[partner.id],
                                api.reports.ReadPartnerTotals(program.id, partner.id));
    by_id[partner.id] = &partner;
  }
  const absl::CivilDay before_day = as_of - program.segments.window_days;
  CLICKTRACK_ASSIGN_OR_RETURN(const auto standings,
                              StandingsAsOf(api, program, partners, totals, {as_of, before_day}));
  const Standings& now = standings[0];
  const Standings& before = standings[1];
  boost::json::array listed;
  boost::json::object segment_counts;
  boost::json::object tier_counts;
  for (const auto segment : {reports::Segment::kStar, reports::Segment::kWorkhorse,
                             reports::Segment::kNewcomer, reports::Segment::kDormant}) {
    segment_counts[std::string(reports::SegmentName(segment))] = 0;
  }
  for (const auto tier : {reports::Tier::kPlatinum, reports::Tier::kGold, reports::Tier::kSilver,
                          reports::Tier::kBronze}) {
    tier_counts[std::string(reports::TierName(tier))] = 0;
  }
  for (const reports::PartnerStanding& standing : now.standings) {
    listed.emplace_back(EncodeStanding(program, standing, now.activity.at(standing.partner_id),
                                       *by_id.at(standing.partner_id),
                                       totals.at(standing.partner_id)));
    segment_counts[std::string(reports::SegmentName(standing.segment))].as_int64() += 1;
    tier_counts[std::string(reports::TierName(standing.tier))].as_int64() += 1;
  }
  boost::json::object counts{{"segments", std::move(segment_counts)},
                             {"tiers", std::move(tier_counts)}};
  return JsonResponse(
      200,
      boost::json::object{
          {"program_id", program.id},
          {"as_of", DayText(as_of)},
          {"currency", std::string(program.currency.Code())},
          {"window", EncodeWindow(reports::SegmentWindow(as_of, program.segments))},
          {"tier_window", EncodeWindow(reports::TierWindow(as_of))},
          {"counts", std::move(counts)},
          {"partners", std::move(listed)},
          {"movers", EncodeMoves(reports::Movers(before.standings, now.standings), before_day)},
      });
}

}  // namespace clicktrack::tracker
