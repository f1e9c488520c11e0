#include "attribution/reports/segments.h"

#include <algorithm>
#include <map>

namespace clicktrack::attribution::reports {
namespace {

// SPEC §6's segment rules, which exclude one another.
Segment SegmentOf(const PartnerActivity& partner, int64_t age_days, int64_t share_hundredths,
                  int64_t program_revenue, const SegmentSettings& settings) {
  const bool ever_converted = partner.converted_before_window || partner.conversions_in_window > 0;
  if (age_days >= settings.dormant_days && partner.converted_before_window &&
      partner.clicks_in_window == 0 && partner.conversions_in_window == 0) {
    return Segment::kDormant;
  }
  if (age_days < settings.newcomer_days || !ever_converted) {
    return Segment::kNewcomer;
  }
  if (age_days >= settings.star_days && program_revenue > 0 &&
      share_hundredths >= settings.star_share.hundredths) {
    return Segment::kStar;
  }
  return Segment::kWorkhorse;
}

// ceil(percent × n / 100).
int64_t CeilShare(int64_t percent, int64_t n) { return (percent * n + 99) / 100; }

Tier TierAt(int rank, int64_t ranked) {
  if (rank == 0) {
    return Tier::kBronze;
  }
  if (rank <= CeilShare(3, ranked)) {
    return Tier::kPlatinum;
  }
  if (rank <= CeilShare(13, ranked)) {
    return Tier::kGold;
  }
  return rank <= CeilShare(33, ranked) ? Tier::kSilver : Tier::kBronze;
}

// Rank by tier-window revenue among partners with some, most first; ties to the lower id.
std::map<std::string, int> TierRanks(absl::Span<const PartnerActivity* const> listed) {
  std::vector<const PartnerActivity*> earning;
  for (const PartnerActivity* partner : listed) {
    if (partner->revenue_in_tier_window > 0) {
      earning.push_back(partner);
    }
  }
  std::sort(earning.begin(), earning.end(), [](const PartnerActivity* a, const PartnerActivity* b) {
    return a->revenue_in_tier_window != b->revenue_in_tier_window
               ? a->revenue_in_tier_window > b->revenue_in_tier_window
               : a->partner_id < b->partner_id;
  });
  std::map<std::string, int> ranks;
  for (size_t i = 0; i < earning.size(); ++i) {
    ranks[earning[i]->partner_id] = static_cast<int>(i + 1);
  }
  return ranks;
}

}  // namespace

absl::string_view SegmentName(Segment segment) {
  switch (segment) {
    case Segment::kStar:
      return "star";
    case Segment::kWorkhorse:
      return "workhorse";
    case Segment::kNewcomer:
      return "newcomer";
    case Segment::kDormant:
      return "dormant";
  }
  return "workhorse";
}

absl::string_view TierName(Tier tier) {
  switch (tier) {
    case Tier::kPlatinum:
      return "platinum";
    case Tier::kGold:
      return "gold";
    case Tier::kSilver:
      return "silver";
    case Tier::kBronze:
      return "bronze";
  }
  return "bronze";
}

absl::string_view RecommendedAction(Segment segment) {
  switch (segment) {
    case Segment::kStar:
      return "a personal manager, individual terms, early access to new offers";
    case Segment::kWorkhorse:
      return "ready-made materials, and a path to star with clear targets";
    case Segment::kNewcomer:
      return "an onboarding series, a first-sale bonus, templates";
    case Segment::kDormant:
      return "a reactivation offer, a short survey, a reminder of the unpaid balance";
  }
  return "";
}

DayRange SegmentWindow(absl::CivilDay as_of, const SegmentSettings& settings) {
  return {.first = as_of - (settings.window_days - 1), .last = as_of};
}

DayRange TierWindow(absl::CivilDay as_of) {
  return {.first = as_of - (kTierWindowDays - 1), .last = as_of};
}

std::vector<PartnerStanding> Standings(absl::CivilDay as_of, const SegmentSettings& settings,
                                       absl::Span<const PartnerActivity> partners) {
  int64_t program_revenue = 0;
  std::vector<const PartnerActivity*> listed;
  for (const PartnerActivity& partner : partners) {
    program_revenue += partner.revenue_in_window;
    if (partner.joined <= as_of) {
      listed.push_back(&partner);
    }
  }
  std::sort(listed.begin(), listed.end(), [](const PartnerActivity* a, const PartnerActivity* b) {
    return a->partner_id < b->partner_id;
  });
  const std::map<std::string, int> ranks = TierRanks(listed);
  std::vector<PartnerStanding> standings;
  for (const PartnerActivity* partner : listed) {
    PartnerStanding standing{.partner_id = partner->partner_id,
                             .age_days = as_of - partner->joined};
    if (program_revenue > 0) {
      standing.revenue_share_hundredths = static_cast<int64_t>(
          static_cast<__int128>(partner->revenue_in_window) * 10'000 / program_revenue);
    }
    standing.segment = SegmentOf(*partner, standing.age_days, standing.revenue_share_hundredths,
                                 program_revenue, settings);
    const auto rank = ranks.find(partner->partner_id);
    standing.tier_rank = rank == ranks.end() ? 0 : rank->second;
    standing.tier = TierAt(standing.tier_rank, static_cast<int64_t>(ranks.size()));
    standings.push_back(std::move(standing));
  }
  return standings;
}

bool MovedUp(const Move& move) {
  // Enumerators run best first.
  if (move.tier_now != move.tier_before) {
    return move.tier_now < move.tier_before;
  }
  const auto rank = [](Segment segment) {
    return segment == Segment::kStar        ? 3
           : segment == Segment::kWorkhorse ? 2
           : segment == Segment::kNewcomer  ? 1
                                            : 0;
  };
  return rank(move.segment_now) > rank(move.segment_before);
}

std::vector<Move> Movers(absl::Span<const PartnerStanding> before,
                         absl::Span<const PartnerStanding> now) {
  std::map<std::string, const PartnerStanding*> earlier;
  for (const PartnerStanding& standing : before) {
    earlier[standing.partner_id] = &standing;
  }
  std::vector<Move> moves;
  for (const PartnerStanding& standing : now) {
    const auto it = earlier.find(standing.partner_id);
    if (it == earlier.end()) {
      continue;
    }
    const PartnerStanding& was = *it->second;
    if (was.segment != standing.segment || was.tier != standing.tier) {
      moves.push_back(Move{.partner_id = standing.partner_id,
                           .segment_before = was.segment,
                           .segment_now = standing.segment,
                           .tier_before = was.tier,
                           .tier_now = standing.tier});
    }
  }
  return moves;
}

}  // namespace clicktrack::attribution::reports
