// Reports (SPEC §6) against hand-computed figures: a program's history built through the
// import route (partners who joined at different dates, clicks and sales over months), then
// every figure of stats, KPIs, cohorts, segments and tiers, with each segment's edge.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "gtest/gtest.h"

#include "tests/integration_fixture.h"

namespace clicktrack::testing {
namespace {

constexpr absl::string_view kProgram = "/api/v1/programs/acme";

// Every partner, the day it joined, and the segment it is in as of 2026-06-30 (the window is
// 2026-06-01..06-30, the tier window 2026-04-02..06-30; the program's window revenue 10000.00).
struct PartnerSeed {
  const char* id;
  const char* joined;
};
constexpr PartnerSeed kPartners[] = {
    {"star", "2026-01-01"},        // 180 days: old enough; 50 % of the revenue
    {"young", "2026-01-02"},       // 179 days: 20.01 %, too young for star
    {"edge15", "2025-06-01"},      // exactly 15 %
    {"below15", "2025-06-01"},     // 14.99 %
    {"dormant90", "2026-04-01"},   // exactly 90 days, quiet since April
    {"newcomer89", "2026-04-02"},  // 89 days, quiet since May
    {"never", "2025-01-01"},       // clicks, never a conversion
    {"quiet", "2025-01-01"},       // a sale in April, only a click in the window
    {"late", "2026-07-01"},        // joined after as_of: not listed
};

std::string Owner(absl::string_view customer, absl::string_view partner, absl::string_view since) {
  return absl::StrCat(R"({"record":"owner","customer":")", customer, R"(","partner_id":")", partner,
                      R"(","since":")", since, "T00:00:00Z\"}");
}

std::string Sale(absl::string_view day, absl::string_view order, absl::string_view amount,
                 absl::string_view who) {
  return absl::StrCat(R"({"record":"conversion","at":")", day, R"(T12:00:00Z","order_id":")", order,
                      R"(","amount":")", amount, R"(","currency":"USD",)", who, "}");
}

std::string Click(absl::string_view day, absl::string_view link, absl::string_view id,
                  absl::string_view customer = "") {
  return absl::StrCat(
      R"({"record":"click","at":")", day, R"(T09:00:00Z","link":")", link, R"(","click_id":")", id,
      "\"", customer.empty() ? "" : absl::StrCat(R"(,"customer":")", customer, "\""), "}");
}

const std::vector<std::string>& History() {
  static const std::vector<std::string> lines = {
      // star: two customers by clicks, a repeat sale, a refund, and a lead.
      Click("2026-05-10", "star-link", "sA", "cus-a"),
      Click("2026-05-20", "star-link", "sB", "cus-b"),  // within the 30-day window of s3
      Click("2026-06-05", "star-link", "sC"),
      Sale("2026-05-11", "s1", "1000.00", R"("click_id":"sA")"),
      Sale("2026-06-10", "s2", "3000.00", R"("customer":"cus-a")"),
      Sale("2026-06-12", "s3", "2000.00", R"("click_id":"sB")"),
      Sale("2026-06-20", "s3", "500.00", R"("status":"refunded")"),
      Sale("2026-06-15", "l1", "0", R"("type":"lead","click_id":"sC")"),
      // The others: customers they owned on the old platform.
      Owner("cus-y", "young", "2026-06-04"),
      Sale("2026-06-05", "y1", "2001.00", R"("customer":"cus-y")"),
      Owner("cus-e", "edge15", "2026-06-01"),
      Sale("2026-06-02", "e1", "1500.00", R"("customer":"cus-e")"),
      Owner("cus-w", "below15", "2026-05-14"),
      Sale("2026-05-15", "w1", "1.00", R"("customer":"cus-w")"),
      Sale("2026-06-03", "w2", "1499.00", R"("customer":"cus-w")"),
      Owner("cus-d", "dormant90", "2026-04-14"),
      Sale("2026-04-15", "d1", "100.00", R"("customer":"cus-d")"),
      Owner("cus-n", "newcomer89", "2026-05-09"),
      Sale("2026-05-10", "n1", "50.00", R"("customer":"cus-n")"),
      Click("2026-06-20", "never-link", "v1"),
      Owner("cus-q", "quiet", "2026-04-19"),
      Sale("2026-04-20", "q1", "80.00", R"("customer":"cus-q")"),
      Click("2026-06-25", "quiet-link", "q-click"),
  };
  return lines;
}

class ReportTest : public TrackerdTest {
 protected:
  void SetUp() override {
    TrackerdTest::SetUp();
    PutAcme(R"({"first_sale": {"percent": "20"}, "repeat_sale": {"percent": "10"}})");
    for (const PartnerSeed& partner : kPartners) {
      ASSERT_EQ(Call("PUT", absl::StrCat(kProgram, "/partners/", partner.id),
                     absl::StrCat(R"({"name": ")", partner.id, R"(", "joined_at": ")",
                                  partner.joined, "T00:00:00Z\"}"))
                    .status,
                200);
    }
    for (const char* partner : {"star", "never", "quiet"}) {
      ASSERT_EQ(Call("POST", absl::StrCat(kProgram, "/links"),
                     absl::StrCat(R"({"partner_id": ")", partner, R"(", "code": ")", partner,
                                  R"(-link", "destination": "https://shop.example.com/"})"))
                    .status,
                201);
    }
    const HttpResult imported =
        Call("POST", absl::StrCat(kProgram, "/import"), absl::StrJoin(History(), "\n"));
    ASSERT_EQ(imported.status, 200);
    ASSERT_EQ(imported.body, absl::StrCat(R"({"accepted":)", History().size(),
                                          R"(,"rejected":[],"rejected_count":0})"));
  }

  boost::json::value Get(absl::string_view target) {
    const HttpResult result = Call("GET", absl::StrCat(kProgram, target));
    EXPECT_EQ(result.status, 200) << target << ": " << result.body;
    return boost::json::parse(result.body);
  }
};

TEST_F(ReportTest, PartnerStatsAreTheHandComputedFigures) {
  boost::json::value stats = Get("/partners/star/stats?from=2026-05-01&to=2026-06-30");
  // 3 clicks, 3 customers (2 by sales, 1 by a lead); sales 1000 + 3000 + 2000, 500 refunded;
  // commission 200 + 300 + 400 - 100 (the refund's quarter of 400).
  EXPECT_EQ(
      boost::json::serialize(stats),
      absl::StrCat(
          R"({"program_id":"acme","partner_id":"star","from":"2026-05-01","to":"2026-06-30",)",
          R"("currency":"USD","clicks":3,"unique_clicks":3,"customers_acquired":3,)",
          R"("conversions":{"lead":1,"first_sale":2,"repeat_sale":1,"upsell":0,"sales":3,"total":4},)",
          R"("revenue":"6000.00","refunded":"500.00","net_revenue":"5500.00",)",
          R"("commission":{"lead":"0.00","first_sale":"500.00","repeat_sale":"300.00",)",
          R"("upsell":"0.00","bonus":"0.00","total":"800.00"},)",
          // 800 / 3 clicks; 3 sales / 3 unique clicks; 6000 / 3 sales; 1 of 2 buyers bought again;
          // 5500 net / 3 customers; 3 sales / 3 customers.
          R"("epc":"266.67","conversion_rate":"100","average_order_value":"2000.00",)",
          R"("repeat_purchase_rate":"50","average_customer_ltv":"1833.33",)",
          R"("average_sales_per_customer":"1",)",
          R"("commission_by_status":{"pending":"0.00","approved":"900.00","paid":"0.00",)",
          R"("reversed":"100.00"}})"));
  // June alone: the repeat sale and the second customer's; the first customer was May's.
  stats = Get("/partners/star/stats?from=2026-06-01&to=2026-06-30");
  EXPECT_EQ(stats.at("customers_acquired").as_int64(), 2);
  EXPECT_EQ(stats.at("revenue").as_string(), "5000.00");
  EXPECT_EQ(stats.at("repeat_purchase_rate").as_string(), "0");       // cus-b bought once
  EXPECT_EQ(stats.at("average_customer_ltv").as_string(), "750.00");  // (2000 - 500) / 2
  // A click and nothing else: an EPC and a rate of zero; no sale, so no average order.
  stats = Get("/partners/never/stats?from=2026-06-01&to=2026-06-30");
  EXPECT_EQ(stats.at("epc").as_string(), "0.00") << stats;
  EXPECT_EQ(stats.at("conversion_rate").as_string(), "0") << stats;
  EXPECT_EQ(stats.at("average_order_value"), boost::json::value(nullptr)) << stats;
  EXPECT_EQ(stats.at("repeat_purchase_rate"), boost::json::value(nullptr)) << stats;
  EXPECT_EQ(Get("/partners/never/stats?from=2026-05-01&to=2026-05-31").at("epc"),
            boost::json::value(nullptr));  // no click: no EPC
}

TEST_F(ReportTest, CohortsFollowEachMonthsCustomers) {
  const boost::json::value answer = Get("/partners/star/cohorts?from=2026-05&to=2026-06");
  const boost::json::array& cohorts = answer.at("cohorts").as_array();
  ASSERT_EQ(cohorts.size(), 2u) << answer;
  // Months run from the cohort's to the current month.
  const absl::CivilMonth this_month(absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()));
  const boost::json::value& may = cohorts[0];
  EXPECT_EQ(may.at("cohort").as_string(), "2026-05");
  EXPECT_EQ(may.at("customers").as_int64(), 1);  // cus-a
  EXPECT_EQ(may.at("repeat_purchase_rate").as_string(), "100");
  EXPECT_EQ(may.at("average_sales_per_customer").as_string(), "2");
  const boost::json::array& may_months = may.at("months").as_array();
  ASSERT_EQ(may_months.size(), static_cast<size_t>(this_month - absl::CivilMonth(2026, 5) + 1));
  EXPECT_EQ(boost::json::serialize(may_months[0]),
            R"({"month_index":0,"month":"2026-05","sales":1,"net_revenue":"1000.00",)"
            R"("cumulative_ltv_per_customer":"1000.00"})");
  EXPECT_EQ(boost::json::serialize(may_months[1]),
            R"({"month_index":1,"month":"2026-06","sales":1,"net_revenue":"3000.00",)"
            R"("cumulative_ltv_per_customer":"4000.00"})");
  EXPECT_EQ(boost::json::serialize(may_months[2]),
            R"({"month_index":2,"month":"2026-07","sales":0,"net_revenue":"0.00",)"
            R"("cumulative_ltv_per_customer":"4000.00"})");
  // June: cus-b (one sale of 2000, 500 refunded) and the lead's customer (no sale).
  const boost::json::value& june = cohorts[1];
  EXPECT_EQ(june.at("customers").as_int64(), 2);
  EXPECT_EQ(june.at("repeat_purchase_rate").as_string(), "0");
  EXPECT_EQ(june.at("average_sales_per_customer").as_string(), "0.5");
  EXPECT_EQ(boost::json::serialize(june.at("months").as_array()[0]),
            R"({"month_index":0,"month":"2026-06","sales":1,"net_revenue":"1500.00",)"
            R"("cumulative_ltv_per_customer":"750.00"})");
}

TEST_F(ReportTest, ProgramKpisAreTheHandComputedFigures) {
  const boost::json::value kpis = Get("/kpis?from=2026-06-01&to=2026-06-30");
  // 8 partners had joined by June 30 ("late" had not); 6 had a click or a conversion in June
  // (star, young, edge15, below15, never, quiet); 4 made a sale.
  EXPECT_EQ(kpis.at("partners").at("total").as_int64(), 8);
  EXPECT_EQ(kpis.at("partners").at("active").as_int64(), 6);
  EXPECT_EQ(kpis.at("partners").at("with_sale").as_int64(), 4);
  EXPECT_EQ(kpis.at("partners").at("with_sale_share").as_string(), "50");
  // June's sales: 3000 + 2000 (star), 2001, 1500, 1499: five sales, two of them repeats.
  EXPECT_EQ(kpis.at("sales_volume").as_string(), "10000.00");
  EXPECT_EQ(kpis.at("average_check").as_string(), "2000.00");
  EXPECT_EQ(kpis.at("repeat_sale_share").as_string(), "40");
  EXPECT_EQ(kpis.at("clicks").as_int64(), 3);
  EXPECT_EQ(kpis.at("conversions").at("lead").as_int64(), 1);
  // Commission: 300 + 400 - 100 (star), 400.20, 300, 149.90; no hold, nothing paid.
  EXPECT_EQ(kpis.at("commission").at("total").as_string(), "1450.10");
  EXPECT_EQ(kpis.at("commission_paid").as_string(), "0.00");
  EXPECT_EQ(kpis.at("commission_pending").as_string(), "0.00");
}

// Segments and tiers as of 2026-06-30, each partner on an edge of its rule (see kPartners).
TEST_F(ReportTest, SegmentsAndTiersAtTheirEdges) {
  const boost::json::value answer = Get("/segments?as_of=2026-06-30");
  EXPECT_EQ(boost::json::serialize(answer.at("window")),
            R"({"from":"2026-06-01","to":"2026-06-30"})");
  EXPECT_EQ(boost::json::serialize(answer.at("tier_window")),
            R"({"from":"2026-04-02","to":"2026-06-30"})");
  std::vector<std::string> rows;
  for (const boost::json::value& partner : answer.at("partners").as_array()) {
    const boost::json::value& metrics = partner.at("metrics");
    rows.push_back(absl::StrCat(
        partner.at("partner_id").as_string().c_str(), " ",
        partner.at("segment").as_string().c_str(), " ", partner.at("tier").as_string().c_str(),
        " age=", metrics.at("age_days").as_int64(),
        " share=", metrics.at("revenue_share").as_string().c_str(),
        " tier_revenue=", metrics.at("revenue_in_tier_window").as_string().c_str(),
        " rank=", boost::json::serialize(metrics.at("tier_rank"))));
  }
  // Tiers among the 7 with tier-window revenue: platinum ceil(3 % of 7) = 1, gold up to
  // ceil(13 %) = 1 (nobody more), silver up to ceil(33 %) = 3; below15 and edge15 tie at
  // 1500.00 and the lower id ranks first.
  EXPECT_EQ(absl::StrJoin(rows, "\n"),
            absl::StrJoin(
                {
                    "below15 workhorse silver age=394 share=14.99 tier_revenue=1500.00 rank=3",
                    "dormant90 dormant bronze age=90 share=0 tier_revenue=100.00 rank=5",
                    "edge15 star bronze age=394 share=15 tier_revenue=1500.00 rank=4",
                    "never newcomer bronze age=545 share=0 tier_revenue=0.00 rank=null",
                    "newcomer89 newcomer bronze age=89 share=0 tier_revenue=50.00 rank=7",
                    "quiet workhorse bronze age=545 share=0 tier_revenue=80.00 rank=6",
                    "star star platinum age=180 share=50 tier_revenue=6000.00 rank=1",
                    "young workhorse silver age=179 share=20.01 tier_revenue=2001.00 rank=2",
                },
                "\n"));
  EXPECT_EQ(boost::json::serialize(answer.at("counts")),
            R"({"segments":{"star":2,"workhorse":3,"newcomer":2,"dormant":1},)"
            R"("tiers":{"platinum":1,"gold":0,"silver":2,"bronze":5}})");
  EXPECT_EQ(answer.at("partners").as_array()[1].at("recommended_action").as_string(),
            "a reactivation offer, a short survey, a reminder of the unpaid balance");
  // Against 2026-05-31: star was a workhorse (150 days old), young and edge15 newcomers (no
  // conversion yet), dormant90 a newcomer in silver, quiet dormant.
  std::vector<std::string> moves;
  for (const boost::json::value& move : answer.at("movers").at("moves").as_array()) {
    moves.push_back(absl::StrCat(move.at("partner_id").as_string().c_str(), " ",
                                 move.at("direction").as_string().c_str(), " ",
                                 move.at("segment").at("from").as_string().c_str(), ">",
                                 move.at("segment").at("to").as_string().c_str(), " ",
                                 move.at("tier").at("from").as_string().c_str(), ">",
                                 move.at("tier").at("to").as_string().c_str()));
  }
  EXPECT_EQ(answer.at("movers").at("compared_with").as_string(), "2026-05-31");
  EXPECT_EQ(absl::StrJoin(moves, "\n"), absl::StrJoin(
                                            {
                                                "below15 up workhorse>workhorse bronze>silver",
                                                "dormant90 down newcomer>dormant silver>bronze",
                                                "edge15 up newcomer>star bronze>bronze",
                                                "quiet up dormant>workhorse bronze>bronze",
                                                "star up workhorse>star platinum>platinum",
                                                "young up newcomer>workhorse bronze>silver",
                                            },
                                            "\n"));
}

TEST_F(ReportTest, BadRangesAndUnknownPartnersAreRefusedWithTheReason) {
  const struct {
    std::string target;
    int status;
    std::string error;
  } cases[] = {
      {"/partners/star/stats?from=2026-13-01", 400, "from: "},
      {"/partners/star/stats?from=2026-06-30&to=2026-06-01", 400, "from: "},
      {"/partners/star/stats?from=2010-01-01&to=2026-01-01", 400, "at most 3660 days"},
      {"/partners/ghost/stats", 404, "partner ghost not found"},
      {"/partners/star/cohorts?from=2026-6", 400, "from: "},
      {"/partners/star/cohorts?from=2026-07&to=2026-06", 400, "from: "},
      {"/partners/ghost/cohorts", 404, "partner ghost not found"},
      {"/kpis?to=yesterday", 400, "to: "},
      {"/segments?as_of=2026-02-30", 400, "as_of: "},
      {"/ledger.csv?from=2026-06-30&to=2026-06-01", 400, "from: "},
  };
  for (const auto& [target, status, error] : cases) {
    const HttpResult result = Call("GET", absl::StrCat(kProgram, target));
    EXPECT_EQ(result.status, status) << target << ": " << result.body;
    EXPECT_NE(result.body.find(error), std::string::npos) << target << ": " << result.body;
  }
}

}  // namespace
}  // namespace clicktrack::testing
