#include "attribution/reports/segments.h"

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace clicktrack::attribution::reports {
namespace {

const absl::CivilDay kAsOf(2026, 6, 30);
const SegmentSettings kDefaults;

// One partner's segment among others who make the program's revenue 10,000 in the window.
struct SegmentCase {
  std::string name;
  int age_days;
  bool converted_before;
  int64_t clicks, conversions, revenue;
  Segment want;
};

class SegmentEdges : public ::testing::TestWithParam<SegmentCase> {};

TEST_P(SegmentEdges, FollowSpec) {
  const SegmentCase& c = GetParam();
  const std::vector<PartnerActivity> partners = {
      {.partner_id = "a-subject",
       .joined = kAsOf - c.age_days,
       .converted_before_window = c.converted_before,
       .clicks_in_window = c.clicks,
       .conversions_in_window = c.conversions,
       .revenue_in_window = c.revenue},
      {.partner_id = "z-rest",
       .joined = kAsOf - 400,
       .converted_before_window = true,
       .conversions_in_window = 1,
       .revenue_in_window = 10'000 - c.revenue},
  };
  const std::vector<PartnerStanding> standings = Standings(kAsOf, kDefaults, partners);
  ASSERT_EQ(standings.size(), 2u);
  EXPECT_EQ(standings[0].partner_id, "a-subject");
  EXPECT_EQ(standings[0].age_days, c.age_days);
  EXPECT_EQ(SegmentName(standings[0].segment), SegmentName(c.want));
}

INSTANTIATE_TEST_SUITE_P(
    Segments, SegmentEdges,
    ::testing::Values(
        // dormant: joined ≥ 90 days, converted before the window, no click or conversion in it
        SegmentCase{"dormant_at_exactly_90_days", 90, true, 0, 0, 0, Segment::kDormant},
        SegmentCase{"not_dormant_at_89_days", 89, true, 0, 0, 0, Segment::kNewcomer},
        SegmentCase{"a_click_in_the_window_is_not_dormant", 200, true, 1, 0, 0,
                    Segment::kWorkhorse},
        SegmentCase{"a_lead_in_the_window_is_not_dormant", 200, true, 0, 1, 0, Segment::kWorkhorse},
        // newcomer: joined < 90 days, or never converted
        SegmentCase{"newcomer_at_0_days", 0, false, 5, 0, 0, Segment::kNewcomer},
        SegmentCase{"newcomer_at_89_days_even_selling", 89, false, 5, 3, 3'000, Segment::kNewcomer},
        SegmentCase{"old_but_never_converted", 400, false, 50, 0, 0, Segment::kNewcomer},
        SegmentCase{"converting_first_in_the_window_at_90_days", 90, false, 1, 1, 100,
                    Segment::kWorkhorse},
        // star: joined ≥ 180 days and ≥ 15 % of the program's revenue in the window
        SegmentCase{"star_at_exactly_180_days_and_15_percent", 180, true, 1, 1, 1'500,
                    Segment::kStar},
        SegmentCase{"no_star_at_179_days", 179, true, 1, 1, 5'000, Segment::kWorkhorse},
        SegmentCase{"no_star_just_below_15_percent", 365, true, 1, 1, 1'499, Segment::kWorkhorse},
        SegmentCase{"star_with_all_the_revenue", 365, false, 1, 1, 10'000, Segment::kStar}),
    [](const auto& info) { return info.param.name; });

TEST(SegmentsTest, NoStarWhenTheProgramHadNoRevenue) {
  const std::vector<PartnerActivity> partners = {{.partner_id = "p",
                                                  .joined = kAsOf - 365,
                                                  .converted_before_window = true,
                                                  .clicks_in_window = 3}};
  const std::vector<PartnerStanding> standings = Standings(kAsOf, kDefaults, partners);
  EXPECT_EQ(standings[0].segment, Segment::kWorkhorse);
  EXPECT_EQ(standings[0].revenue_share_hundredths, 0);
}

TEST(SegmentsTest, PartnersWhoJoinedAfterAsOfAreNotListedButTheirRevenueCounts) {
  const std::vector<PartnerActivity> partners = {
      {.partner_id = "early",
       .joined = kAsOf - 365,
       .converted_before_window = true,
       .conversions_in_window = 1,
       .revenue_in_window = 1'500},
      {.partner_id = "today", .joined = kAsOf},
      {.partner_id = "later", .joined = kAsOf + 1, .revenue_in_window = 8'500}};
  const std::vector<PartnerStanding> standings = Standings(kAsOf, kDefaults, partners);
  ASSERT_EQ(standings.size(), 2u);
  EXPECT_EQ(standings[0].partner_id, "early");
  EXPECT_EQ(standings[0].revenue_share_hundredths, 15'00);
  EXPECT_EQ(standings[0].segment, Segment::kStar);
  EXPECT_EQ(standings[1].partner_id, "today");
  EXPECT_EQ(standings[1].age_days, 0);
}

TEST(SegmentsTest, SettingsMoveTheEdges) {
  SegmentSettings settings;
  settings.newcomer_days = 30;
  settings.star_days = 60;
  settings.star_share = Percent{.hundredths = 50'00};
  const std::vector<PartnerActivity> partners = {{.partner_id = "p",
                                                  .joined = kAsOf - 60,
                                                  .converted_before_window = true,
                                                  .conversions_in_window = 1,
                                                  .revenue_in_window = 500},
                                                 {.partner_id = "q",
                                                  .joined = kAsOf - 60,
                                                  .converted_before_window = true,
                                                  .conversions_in_window = 1,
                                                  .revenue_in_window = 499}};
  const std::vector<PartnerStanding> standings = Standings(kAsOf, settings, partners);
  EXPECT_EQ(standings[0].segment, Segment::kStar);
  EXPECT_EQ(standings[1].segment, Segment::kWorkhorse);
  EXPECT_EQ(SegmentWindow(kAsOf, settings).first, kAsOf - 29);
  EXPECT_EQ(TierWindow(kAsOf).first, kAsOf - 89);
}

// Tiers among n partners with revenue: platinum ceil(3 % n), gold to ceil(13 % n), silver to
// ceil(33 % n), then bronze.
TEST(TiersTest, CutsAtTheCeilingsOfTheShares) {
  std::vector<PartnerActivity> partners;
  for (int i = 0; i < 100; ++i) {
    partners.push_back({.partner_id = absl::StrCat("p", 1000 + i),
                        .joined = kAsOf - 10,
                        .revenue_in_tier_window = 10'000 - i});
  }
  partners.push_back({.partner_id = "zero", .joined = kAsOf - 10});
  const std::vector<PartnerStanding> standings = Standings(kAsOf, kDefaults, partners);
  std::map<Tier, int> counts;
  for (const PartnerStanding& standing : standings) {
    ++counts[standing.tier];
  }
  EXPECT_EQ(counts[Tier::kPlatinum], 3);
  EXPECT_EQ(counts[Tier::kGold], 10);
  EXPECT_EQ(counts[Tier::kSilver], 20);
  EXPECT_EQ(counts[Tier::kBronze], 68);  // 67 ranked and the one without revenue
  EXPECT_EQ(standings.back().partner_id, "zero");
  EXPECT_EQ(standings.back().tier_rank, 0);
}

TEST(TiersTest, OnePartnerWithRevenueIsPlatinumAndTiesGoToTheLowerId) {
  const std::vector<PartnerStanding> alone =
      Standings(kAsOf, kDefaults,
                std::vector<PartnerActivity>{{.partner_id = "solo", .revenue_in_tier_window = 1}});
  EXPECT_EQ(alone[0].tier, Tier::kPlatinum);
  std::vector<PartnerActivity> tied;
  for (const char* id : {"c", "a", "b"}) {
    tied.push_back({.partner_id = id, .joined = kAsOf - 5, .revenue_in_tier_window = 700});
  }
  const std::vector<PartnerStanding> standings = Standings(kAsOf, kDefaults, tied);
  EXPECT_EQ(standings[0].partner_id, "a");
  EXPECT_EQ(standings[0].tier_rank, 1);
  EXPECT_EQ(standings[0].tier, Tier::kPlatinum);  // rank 1 ≤ ceil(3 % × 3) = 1
  EXPECT_EQ(standings[1].tier_rank, 2);
  EXPECT_EQ(standings[2].tier_rank, 3);
  // ceil(13 % × 3) and ceil(33 % × 3) are 1 as well: ranks 2 and 3 are bronze.
  EXPECT_EQ(standings[1].tier, Tier::kBronze);
  EXPECT_EQ(standings[2].tier, Tier::kBronze);
}

TEST(MoversTest, ListsWhoseSegmentOrTierChanged) {
  const std::vector<PartnerStanding> before = {
      {.partner_id = "a", .segment = Segment::kNewcomer, .tier = Tier::kBronze},
      {.partner_id = "b", .segment = Segment::kWorkhorse, .tier = Tier::kGold},
      {.partner_id = "c", .segment = Segment::kStar, .tier = Tier::kPlatinum}};
  const std::vector<PartnerStanding> now = {
      {.partner_id = "a", .segment = Segment::kWorkhorse, .tier = Tier::kBronze},
      {.partner_id = "b", .segment = Segment::kWorkhorse, .tier = Tier::kGold},
      {.partner_id = "c", .segment = Segment::kStar, .tier = Tier::kGold},
      {.partner_id = "d", .segment = Segment::kNewcomer, .tier = Tier::kBronze}};
  const std::vector<Move> moves = Movers(before, now);
  ASSERT_EQ(moves.size(), 2u);
  EXPECT_EQ(moves[0].partner_id, "a");
  EXPECT_EQ(moves[0].segment_now, Segment::kWorkhorse);
  EXPECT_EQ(moves[1].partner_id, "c");
  EXPECT_EQ(moves[1].tier_before, Tier::kPlatinum);
  EXPECT_EQ(moves[1].tier_now, Tier::kGold);
  EXPECT_TRUE(MovedUp(moves[0]));   // newcomer to workhorse, same tier
  EXPECT_FALSE(MovedUp(moves[1]));  // platinum to gold
}

TEST(MoversTest, TheTierDecidesBeforeTheSegment) {
  EXPECT_TRUE(MovedUp({.segment_before = Segment::kStar,
                       .segment_now = Segment::kDormant,
                       .tier_before = Tier::kSilver,
                       .tier_now = Tier::kGold}));
  EXPECT_FALSE(MovedUp({.segment_before = Segment::kWorkhorse,
                        .segment_now = Segment::kDormant,
                        .tier_before = Tier::kBronze,
                        .tier_now = Tier::kBronze}));
  EXPECT_TRUE(MovedUp({.segment_before = Segment::kDormant,
                       .segment_now = Segment::kNewcomer,
                       .tier_before = Tier::kBronze,
                       .tier_now = Tier::kBronze}));
}

}  // namespace
}  // namespace clicktrack::attribution::reports
