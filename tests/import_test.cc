// Imports (SPEC §6) over HTTP against a real trackerd: time order, rejected lines, idempotence,
// owners, and the spooled body's limit.

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "gtest/gtest.h"

#include "tests/integration_fixture.h"

namespace clicktrack::testing {
namespace {

constexpr absl::string_view kImport = "/api/v1/programs/acme/import";

class ImportTest : public TrackerdTest {
 protected:
  void SetUp() override {
    TrackerdTest::SetUp();
    SeedProgram();
    ASSERT_EQ(Call("PUT", "/api/v1/programs/acme/partners/p2", R"({"name": "Partner Two"})").status,
              200);
    MakeLink("one", "https://shop.example.com/");
    ASSERT_EQ(
        Call("POST", "/api/v1/programs/acme/links",
             R"({"partner_id": "p2", "code": "two", "destination": "https://shop.example.com/"})")
            .status,
        201);
  }

  boost::json::value Import(absl::string_view body) {
    const HttpResult result = Call("POST", kImport, body);
    EXPECT_EQ(result.status, 200) << result.body;
    return boost::json::parse(result.body);
  }

  boost::json::value Get(absl::string_view target) {
    const HttpResult result = Call("GET", target);
    EXPECT_EQ(result.status, 200) << target << ": " << result.body;
    return boost::json::parse(result.body);
  }
};

TEST_F(ImportTest, AppliesLinesInTimeOrderAndRejectsBadLinesAlone) {
  // The sale comes first in the file but a day after its click: the click must credit it.
  const std::string file = absl::StrJoin(
      {
          R"({"record":"conversion","at":"2026-01-06T10:00:00Z","order_id":"o1","amount":"100.00","currency":"USD","click_id":"rf-1"})",
          R"({"record":"click","at":"2026-01-05T10:00:00Z","link":"one","click_id":"rf-1","customer":"cus_1"})",
          "",
          R"({"record":"click","at":"2026-01-05T11:00:00Z","link":"nope"})",
          R"(not json)",
          R"({"record":"conversion","at":"2026-02-06T10:00:00Z","order_id":"o2","amount":"50.00","currency":"EUR","customer":"cus_1"})",
          R"({"record":"conversion","at":"2026-02-07T10:00:00Z","order_id":"o3","amount":"40.00","currency":"USD","customer":"cus_1"})",
          R"({"record":"owner","customer":"cus_9","partner_id":"ghost","since":"2025-01-01T00:00:00Z"})",
      },
      "\n");
  const boost::json::value answer = Import(file);
  EXPECT_EQ(boost::json::serialize(answer),
            R"({"accepted":3,"rejected":[)"
            R"({"line":4,"error":"link: nope is no link of program acme"},)"
            R"({"line":5,"error":"the line is not valid JSON: syntax error"},)"
            R"({"line":6,"error":"currency: must be the program's currency, USD"},)"
            R"({"line":8,"error":"partner_id: partner ghost not found"}],"rejected_count":4})");

  const boost::json::value customer = Get("/api/v1/programs/acme/customers?ref=cus_1");
  EXPECT_EQ(customer.at("owner").at("partner_id").as_string(), "p1") << customer;
  EXPECT_EQ(customer.at("orders").as_int64(), 2) << customer;
  EXPECT_EQ(customer.at("revenue").as_string(), "140.00") << customer;
  const boost::json::value stats =
      Get("/api/v1/programs/acme/partners/p1/stats?from=2026-01-01&to=2026-02-28");
  EXPECT_EQ(stats.at("clicks").as_int64(), 1);
  EXPECT_EQ(stats.at("conversions").at("first_sale").as_int64(), 1);
  EXPECT_EQ(stats.at("conversions").at("repeat_sale").as_int64(), 1);
  EXPECT_EQ(stats.at("commission").at("total").as_string(), "24.00");  // 20 % + 10 %
}

TEST_F(ImportTest, ImportingTheSameFileAgainChangesNothing) {
  const std::string file = absl::StrJoin(
      {
          R"({"record":"click","at":"2026-03-01T09:00:00Z","link":"two","email":"ann@example.com"})",
          R"({"record":"click","at":"2026-03-01T09:30:00Z","link":"one","sub1":"news"})",
          R"({"record":"conversion","at":"2026-03-02T09:00:00Z","order_id":"a1","amount":"20.00","currency":"USD","email":"ann@example.com"})",
          R"({"record":"conversion","at":"2026-03-03T09:00:00Z","order_id":"a1","amount":"5.00","currency":"USD","status":"refunded"})",
          R"({"record":"owner","customer":"cus_7","partner_id":"p1","since":"2025-06-01T00:00:00Z"})",
      },
      "\n");
  const boost::json::value first = Import(file);
  EXPECT_EQ(boost::json::serialize(first), R"({"accepted":5,"rejected":[],"rejected_count":0})");
  const std::string range = "?from=2025-01-01&to=2026-12-31";
  const std::string p1 =
      Call("GET", absl::StrCat("/api/v1/programs/acme/partners/p1/stats", range)).body;
  const std::string p2 =
      Call("GET", absl::StrCat("/api/v1/programs/acme/partners/p2/stats", range)).body;
  const std::string kpis = Call("GET", absl::StrCat("/api/v1/programs/acme/kpis", range)).body;
  EXPECT_TRUE(absl::StrContains(p2, R"("net_revenue":"15.00")")) << p2;
  EXPECT_TRUE(absl::StrContains(p1, R"("clicks":1,"unique_clicks":1,"customers_acquired":1)"))
      << p1;  // the owner's customer; a click alone acquires nobody

  EXPECT_EQ(boost::json::serialize(Import(file)), boost::json::serialize(first));
  EXPECT_EQ(Call("GET", absl::StrCat("/api/v1/programs/acme/partners/p1/stats", range)).body, p1);
  EXPECT_EQ(Call("GET", absl::StrCat("/api/v1/programs/acme/partners/p2/stats", range)).body, p2);
  EXPECT_EQ(Call("GET", absl::StrCat("/api/v1/programs/acme/kpis", range)).body, kpis);
}

TEST_F(ImportTest, AnImportedOwnerKeepsEarningItsCustomersSales) {
  const boost::json::value answer = Import(absl::StrJoin(
      {
          R"({"record":"owner","customer":"cus_old","partner_id":"p1","since":"2025-05-01T00:00:00Z"})",
          // A later click of another partner does not take an owned customer over (lifetime 0).
          R"({"record":"click","at":"2026-04-01T00:00:00Z","link":"two","click_id":"c2","customer":"cus_old"})",
          R"({"record":"conversion","at":"2026-04-02T00:00:00Z","order_id":"s1","amount":"10.00","currency":"USD","customer":"cus_old"})",
      },
      "\n"));
  EXPECT_EQ(answer.at("accepted").as_int64(), 3) << answer;
  const boost::json::value customer = Get("/api/v1/programs/acme/customers?ref=cus_old");
  EXPECT_EQ(customer.at("owner").at("partner_id").as_string(), "p1") << customer;
  EXPECT_EQ(customer.at("owner").at("since").as_string(), "2025-05-01T00:00:00.000Z") << customer;
  const boost::json::value ledger = Get("/api/v1/programs/acme/partners/p1/commissions");
  ASSERT_EQ(ledger.at("entries").as_array().size(), 1u) << ledger;
  EXPECT_EQ(ledger.at("entries").as_array()[0].at("order_id").as_string(), "s1");
}

TEST_F(ImportTest, TheBodyIsSpooledUpToTheImportLimit) {
  StartTrackerd({"--import-limit-mib", "1"});
  // Over the API's 64 KiB limit of other bodies, within the import's 1 MiB.
  const std::string line =
      R"({"record":"click","at":"2026-03-01T09:00:00Z","link":"one","sub1":"padding-padding"})";
  std::string big;
  while (big.size() < 900 * 1024) {
    big += line + "\n";
  }
  const HttpResult spooled = Call("POST", kImport, big);
  EXPECT_EQ(spooled.status, 200) << spooled.body;
  EXPECT_TRUE(absl::StrContains(spooled.body, R"("rejected_count":0)")) << spooled.body;
  const boost::json::value stats =
      Get("/api/v1/programs/acme/partners/p1/stats?from=2026-03-01&to=2026-03-01");
  EXPECT_EQ(stats.at("clicks").as_int64(), 1);  // the same line is the same click

  // Refused when the header arrives, before any of the body is read.
  absl::StatusOr<HttpResult> over =
      client_->Raw(absl::StrCat("POST ", kImport, " HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer ",
                                kAdminToken, "\r\nContent-Length: ", (1 << 20) + 1, "\r\n\r\n"));
  ASSERT_TRUE(over.ok()) << over.status();
  EXPECT_EQ(over->status, 413);
  EXPECT_EQ(over->body, R"x({"error":"request body too large (at most 1048576 bytes)"})x");
  absl::StatusOr<HttpResult> other = client_->Raw(absl::StrCat(
      "PUT /api/v1/programs/acme HTTP/1.1\r\nHost: t\r\nContent-Length: 70000\r\n\r\n"));
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(other->status, 413);
  const HttpResult anonymous = Send("POST", kImport, big);
  EXPECT_EQ(anonymous.status, 401);
  const HttpResult long_line = Call("POST", kImport, std::string(70 * 1024, ' ') + "x\n" + line);
  EXPECT_EQ(
      long_line.body,
      R"({"accepted":1,"rejected":[{"line":1,"error":"the line is longer than 65536 bytes"}],)"
      R"("rejected_count":1})");
}

}  // namespace
}  // namespace clicktrack::testing
