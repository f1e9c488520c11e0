#pragma once

// SPEC §6, segments and tiers of a program's partners as of a day: pure functions of what each
// partner did, read by the report from daily counters.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"

#include "attribution/program.h"

namespace clicktrack::attribution::reports {

enum class Segment { kStar, kWorkhorse, kNewcomer, kDormant };
enum class Tier { kPlatinum, kGold, kSilver, kBronze };
absl::string_view SegmentName(Segment segment);
absl::string_view TierName(Tier tier);
// What the merchant should do for partners of `segment` (issue 13's playbook).
absl::string_view RecommendedAction(Segment segment);

// Calendar days, both ends included.
struct DayRange {
  absl::CivilDay first;
  absl::CivilDay last;
};
// The segment window: settings.window_days days ending with `as_of`.
DayRange SegmentWindow(absl::CivilDay as_of, const SegmentSettings& settings);
// The tier window: the 90 days ending with `as_of`.
inline constexpr int kTierWindowDays = 90;
DayRange TierWindow(absl::CivilDay as_of);

// What the rules read of one partner as of a day. Revenue is attributed sales revenue, in minor
// units; conversions are attributed ones of any kind.
struct PartnerActivity {
  std::string partner_id;
  absl::CivilDay joined;  // the UTC date the partner joined
  bool converted_before_window = false;
  int64_t clicks_in_window = 0;
  int64_t conversions_in_window = 0;
  int64_t revenue_in_window = 0;
  int64_t revenue_in_tier_window = 0;
};

struct PartnerStanding {
  std::string partner_id;
  Segment segment = Segment::kNewcomer;
  Tier tier = Tier::kBronze;
  int64_t age_days = 0;  // as_of minus the day joined
  // The partner's share of the program's revenue in the segment window, in hundredths of a
  // percent, rounded down (0 when the program had none).
  int64_t revenue_share_hundredths = 0;
  int tier_rank = 0;  // 1 = most tier-window revenue; 0 without revenue
};

// The standing of every partner that joined on or before `as_of`, ordered by partner id.
// `partners` holds every partner of the program (the program's revenue is theirs summed).
std::vector<PartnerStanding> Standings(absl::CivilDay as_of, const SegmentSettings& settings,
                                       absl::Span<const PartnerActivity> partners);

// A partner whose segment or tier changed between two standings (as returned by Standings).
struct Move {
  std::string partner_id;
  Segment segment_before = Segment::kNewcomer;
  Segment segment_now = Segment::kNewcomer;
  Tier tier_before = Tier::kBronze;
  Tier tier_now = Tier::kBronze;
};
// Whether a move is up: a better tier, or the same tier and a better segment (star, then
// workhorse, newcomer, dormant). Otherwise the partner slipped.
bool MovedUp(const Move& move);

// The partners listed in both whose segment or tier differs, ordered by partner id.
std::vector<Move> Movers(absl::Span<const PartnerStanding> before,
                         absl::Span<const PartnerStanding> now);

}  // namespace clicktrack::attribution::reports
