// Balances and payouts (SPEC §6) over HTTP against a real trackerd: accrue, approve, pay; a
// refund after a payout; replayed Idempotency-Keys; bad orders; payouts racing refunds.

#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "gtest/gtest.h"

#include "tests/integration_fixture.h"

namespace clicktrack::testing {
namespace {

constexpr absl::string_view kProgram = "/api/v1/programs/acme";

// RFC 3339 of `ago` before now.
std::string DaysAgo(int days) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now() - absl::Hours(24 * days),
                          absl::UTCTimeZone());
}

class PayoutTest : public TrackerdTest {
 protected:
  void SetUp() override {
    TrackerdTest::SetUp();
    // A 30-day hold: sales older than that are approved.
    PutAcme(R"({"first_sale": {"percent": "20"}, "repeat_sale": {"percent": "10"},
                "hold": "720h"})");
    for (const char* partner : {"p1", "p2"}) {
      ASSERT_EQ(
          Call("PUT", absl::StrCat(kProgram, "/partners/", partner), R"({"name": "P"})").status,
          200);
    }
  }

  // A first sale of `partner`'s own customer `order`-customer, `days` ago.
  void Sale(absl::string_view partner, absl::string_view order, absl::string_view amount,
            int days) {
    const std::string customer = absl::StrCat("cus-", order);
    const std::string lines = absl::StrCat(
        R"({"record":"owner","customer":")", customer, R"(","partner_id":")", partner,
        R"(","since":")", DaysAgo(days + 1), "\"}\n", R"({"record":"conversion","at":")",
        DaysAgo(days), R"(","order_id":")", order, R"(","amount":")", amount,
        R"(","currency":"USD","customer":")", customer, "\"}\n");
    const HttpResult result = Call("POST", absl::StrCat(kProgram, "/import"), lines);
    ASSERT_EQ(result.status, 200) << result.body;
    ASSERT_TRUE(absl::StrContains(result.body, R"("rejected_count":0)")) << result.body;
  }

  void Refund(absl::string_view order, absl::string_view amount) {
    const HttpResult result =
        Send("GET", absl::StrCat("/postback?program=acme&token=at-least-16-chars&status=refunded",
                                 "&currency=USD&order_id=", order, "&amount=", amount));
    ASSERT_EQ(result.status, 200) << result.body;
  }

  boost::json::value Json(const HttpResult& result) {
    boost::system::error_code ec;
    boost::json::value value = boost::json::parse(result.body, ec);
    EXPECT_FALSE(ec) << result.body;
    return value;
  }

  boost::json::value Balance(absl::string_view partner) {
    const HttpResult result =
        Call("GET", absl::StrCat(kProgram, "/partners/", partner, "/balance"));
    EXPECT_EQ(result.status, 200) << result.body;
    return Json(result);
  }

  HttpResult Pay(absl::string_view body, absl::string_view key = "") {
    std::vector<std::string> headers;
    if (!key.empty()) {
      headers.push_back(absl::StrCat("Idempotency-Key: ", key));
    }
    return Call("POST", absl::StrCat(kProgram, "/payouts"), body, headers);
  }
};

std::string Field(const boost::json::value& value, absl::string_view name) {
  return std::string(value.at(std::string(name)).as_string());
}

TEST_F(PayoutTest, AccruesApprovesAndPaysOnlyWhatIsApproved) {
  Sale("p1", "old-1", "100.00", 40);  // 20.00, approved
  Sale("p1", "old-2", "50.00", 35);   // 10.00, approved
  Sale("p1", "new-1", "30.00", 2);    // 6.00, pending
  boost::json::value balance = Balance("p1");
  EXPECT_EQ(Field(balance, "pending"), "6.00");
  EXPECT_EQ(Field(balance, "approved"), "30.00");
  EXPECT_EQ(Field(balance, "paid"), "0.00");
  EXPECT_EQ(Field(balance, "balance"), "30.00");

  const HttpResult paid =
      Pay(R"({"partner_ids": ["p1", "p2"], "minimum": "25.00", "note": "May"})");
  ASSERT_EQ(paid.status, 201) << paid.body;
  const boost::json::value answer = Json(paid);
  const boost::json::array& payouts = answer.at("payouts").as_array();
  ASSERT_EQ(payouts.size(), 1u) << paid.body;  // p2 has nothing
  EXPECT_EQ(Field(payouts[0], "partner_id"), "p1");
  EXPECT_EQ(Field(payouts[0], "amount"), "30.00");
  EXPECT_EQ(payouts[0].at("entries").as_int64(), 2);
  EXPECT_EQ(Field(payouts[0], "note"), "May");
  const std::string payout_id = Field(payouts[0], "payout_id");

  balance = Balance("p1");
  EXPECT_EQ(Field(balance, "pending"), "6.00");
  EXPECT_EQ(Field(balance, "balance"), "0.00");
  EXPECT_EQ(Field(balance, "paid"), "30.00");
  const boost::json::value ledger =
      Json(Call("GET", absl::StrCat(kProgram, "/partners/p1/commissions")));
  for (const boost::json::value& entry : ledger.at("entries").as_array()) {
    const bool pending = entry.at("order_id").as_string() == "new-1";
    EXPECT_EQ(Field(entry, "commission_status"), pending ? "pending" : "paid") << entry;
    EXPECT_EQ(entry.at("payout_id"),
              pending ? boost::json::value(nullptr) : boost::json::value(payout_id))
        << entry;
  }
  const boost::json::value listed =
      Json(Call("GET", absl::StrCat(kProgram, "/payouts?partner_id=p1")));
  EXPECT_EQ(boost::json::serialize(listed.at("payouts")), boost::json::serialize(payouts));
  EXPECT_EQ(Json(Call("GET", absl::StrCat(kProgram, "/payouts?partner_id=p2"))).at("payouts"),
            boost::json::array());
  // Nothing approved is left: nobody is paid.
  EXPECT_EQ(Pay("").body, R"({"payouts":[]})");
}

TEST_F(PayoutTest, ARefundAfterThePayoutMakesTheBalanceNegativeUntilAccrualsNetIt) {
  Sale("p1", "o1", "100.00", 40);  // 20.00
  ASSERT_EQ(Pay("").status, 201);
  Refund("o1", "100.00");  // takes the 20.00 back after it was paid
  boost::json::value balance = Balance("p1");
  EXPECT_EQ(Field(balance, "balance"), "-20.00");
  EXPECT_EQ(Field(balance, "approved"), "0.00");
  EXPECT_EQ(Field(balance, "paid"), "20.00");
  EXPECT_EQ(Pay(R"({"minimum": "0.01"})").body, R"({"payouts":[]})");  // a debt pays nothing

  Sale("p1", "o2", "150.00", 33);  // 30.00 accrued: nets the debt
  balance = Balance("p1");
  EXPECT_EQ(Field(balance, "approved"), "30.00");
  EXPECT_EQ(Field(balance, "balance"), "10.00");
  const HttpResult paid = Pay("");
  ASSERT_EQ(paid.status, 201) << paid.body;
  const boost::json::value payout = Json(paid).at("payouts").as_array().at(0);
  EXPECT_EQ(Field(payout, "amount"), "10.00");
  EXPECT_EQ(payout.at("entries").as_int64(), 2);  // the accrual and the reversal
  balance = Balance("p1");
  EXPECT_EQ(Field(balance, "balance"), "0.00");
  EXPECT_EQ(Field(balance, "paid"), "30.00");
}

TEST_F(PayoutTest, AReplayedIdempotencyKeyPaysNothingTwice) {
  Sale("p1", "o1", "100.00", 40);
  const std::string order = R"({"minimum": "5.00", "note": "June"})";
  const HttpResult first = Pay(order, "june-2026");
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.Header("idempotent-replayed"), "");
  Sale("p1", "o2", "100.00", 40);  // new money: a replay must not pay it
  const HttpResult again = Pay(R"({ "note": "June", "minimum": "5.00" })", "june-2026");
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.Header("idempotent-replayed"), "true");
  EXPECT_EQ(Field(Balance("p1"), "balance"), "20.00");
  EXPECT_EQ(Field(Balance("p1"), "paid"), "20.00");

  const HttpResult other = Pay(R"({"minimum": "6.00", "note": "June"})", "june-2026");
  EXPECT_EQ(other.status, 409);
  EXPECT_TRUE(absl::StrContains(other.body, "Idempotency-Key june-2026 was used for another"))
      << other.body;
  EXPECT_EQ(Json(Call("GET", absl::StrCat(kProgram, "/payouts"))).at("payouts").as_array().size(),
            1u);
}

TEST_F(PayoutTest, BadOrdersAreRefusedWithTheReason) {
  const struct {
    std::string body;
    std::string key;
    int status;
    std::string error;
  } cases[] = {
      {R"({"partner_ids": ["ghost"]})", "", 404, "partner ghost not found"},
      {R"({"partner_ids": "p1"})", "", 400, "partner_ids: "},
      {R"({"partner_ids": [7]})", "", 400, "partner_ids: must be an array of partner ids"},
      {R"({"minimum": "fifty"})", "", 400, "minimum: "},
      {R"({"minimum": 50})", "", 400, "minimum: "},
      {R"({"minimum": "0"})", "", 400, "minimum: must be more than 0"},
      {R"({"minimum": "1.001"})", "", 400, "minimum: "},
      {R"({"note": 5})", "", 400, "note: "},
      {"[]", "", 400, "JSON object"},
      {"{}", std::string(256, 'k'), 400, "Idempotency-Key: must be at most 255"},
  };
  for (const auto& [body, key, status, error] : cases) {
    const HttpResult result = Pay(body, key);
    EXPECT_EQ(result.status, status) << body << ": " << result.body;
    EXPECT_TRUE(absl::StrContains(result.body, error)) << body << ": " << result.body;
  }
  EXPECT_EQ(Call("GET", absl::StrCat(kProgram, "/partners/ghost/balance")).status, 404);
  EXPECT_EQ(Call("GET", absl::StrCat(kProgram, "/payouts?partner_id=ghost")).status, 404);
  EXPECT_EQ(Json(Call("GET", absl::StrCat(kProgram, "/payouts"))).at("payouts"),
            boost::json::array());
}

// Runs `script` with python3 on `input`; its standard output.
std::string Python(absl::string_view script, const std::string& input) {
  TempDir dir;
  const std::string csv_path = absl::StrCat(dir.path(), "/ledger.csv");
  const std::string script_path = absl::StrCat(dir.path(), "/check.py");
  std::ofstream(csv_path, std::ios::binary) << input;
  std::ofstream(script_path) << script;
  FILE* pipe = popen(absl::StrCat("/usr/bin/python3 ", script_path, " ", csv_path).c_str(), "r");
  std::string out;
  char buffer[4096];
  for (size_t got; (got = fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
    out.append(buffer, got);
  }
  EXPECT_EQ(pclose(pipe), 0) << out;
  return out;
}

// Per partner: paid (entries with a payout), balance (unpaid, hold over) and pending (unpaid,
// hold not over), summed from ledger.csv by Python's csv module, in minor units.
constexpr absl::string_view kSumLedger = R"py(
import csv, sys
from datetime import datetime, timezone
sums = {}
with open(sys.argv[1], newline="") as f:
    rows = list(csv.DictReader(f))
for row in rows:
    s = sums.setdefault(row["partner_id"], {"paid": 0, "balance": 0, "pending": 0})
    cents = round(float(row["commission"]) * 100)
    if row["payout_id"]:
        s["paid"] += cents
    elif row["commission_status"] == "pending":
        s["pending"] += cents
    else:
        s["balance"] += cents
for partner in sorted(sums):
    s = sums[partner]
    print(partner, s["paid"], s["balance"], s["pending"], len(rows))
)py";

TEST_F(PayoutTest, LedgerCsvParsesWithPythonAndSumsToTheBalances) {
  Sale("p1", "a1", "100.00", 50);
  Sale("p1", "a,\\\"quoted\\\"", "60.00", 45);  // a comma and quotes in a field
  Sale("p2", "b1", "40.00", 40);
  Sale("p1", "a2", "10.00", 3);  // pending
  ASSERT_EQ(Pay(R"({"partner_ids": ["p1"]})").status, 201);
  Refund("a1", "50.00");  // after the payout: 10.00 back
  Sale("p2", "b2", "20.00", 35);
  const std::string range = absl::StrCat("?from=", DaysAgo(60).substr(0, 10));
  const HttpResult csv = Call("GET", absl::StrCat(kProgram, "/ledger.csv", range));
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.Header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(csv.Header("transfer-encoding"), "chunked");
  EXPECT_TRUE(absl::StartsWith(
      csv.body,
      "entry_id,created_at,partner_id,conversion_id,order_id,kind,type,amount,commission,"
      "currency,commission_status,payout_id\r\n"))
      << csv.body;
  // The balances, as "partner paid balance pending" in minor units.
  std::string expected;
  for (const char* partner : {"p1", "p2"}) {
    const boost::json::value balance = Balance(partner);
    const auto cents = [&](const char* name) {
      return std::llround(std::stod(Field(balance, name)) * 100);
    };
    absl::StrAppend(&expected, partner, " ", cents("paid"), " ", cents("balance"), " ",
                    cents("pending"), " 6\n");
  }
  // p1: 20.00 and 12.00 paid, 10.00 of it reversed after, 2.00 pending; p2: 8.00 + 4.00 owed.
  EXPECT_EQ(expected, "p1 3200 -1000 200 6\np2 0 1200 0 6\n");
  EXPECT_EQ(Python(kSumLedger, csv.body), expected);
  const boost::json::value stats =
      Json(Call("GET", absl::StrCat(kProgram, "/partners/p1/stats", range)));
  EXPECT_EQ(boost::json::serialize(stats.at("commission_by_status")),
            R"({"pending":"2.00","approved":"0.00","paid":"32.00","reversed":"10.00"})");
}

// The committer decides payouts and refunds one after another: whatever their order, every
// ledger movement ends up exactly once in paid, balance or pending.
TEST_F(PayoutTest, PayoutsRacingRefundsLoseNoMovement) {
  constexpr int kOrders = 40;
  for (int i = 0; i < kOrders; ++i) {
    Sale("p1", absl::StrCat("r", i), "10.00", 40);  // 2.00 each
  }
  std::thread refunds([this] {
    HttpClient client(process_->address());
    for (int i = 0; i < kOrders; i += 2) {
      absl::StatusOr<HttpResult> result = client.Request(
          "GET", absl::StrCat("/postback?program=acme&token=at-least-16-chars&status=refunded"
                              "&currency=USD&amount=10.00&order_id=r",
                              i));
      EXPECT_TRUE(result.ok() && result->status == 200);
    }
  });
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(Pay("").status, 201);
  }
  refunds.join();
  ASSERT_EQ(Pay("").status, 201);
  const boost::json::value balance = Balance("p1");
  // 40 accruals of 2.00, 20 reversals of 2.00: 40.00 net, all of it paid or owed back.
  EXPECT_EQ(Field(balance, "pending"), "0.00");
  const double paid = std::stod(Field(balance, "paid"));
  const double owed = std::stod(Field(balance, "balance"));
  EXPECT_DOUBLE_EQ(paid + owed, 40.0) << balance;
}

}  // namespace
}  // namespace clicktrack::testing
