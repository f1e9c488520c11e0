// Upgrades (docs/operations.md): a data directory written by an older build (commit e070e48,
// before payouts; tests/compat/make_fixture.sh) opens with this one, is upgraded once, and
// serves its links, reports, balances and customers as if this build had written it.

#include <cstdlib>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

#include "tests/conversion_fixture.h"

namespace clicktrack::testing {
namespace {

class CompatTest : public TrackerdTest {
 protected:
  void SetUp() override {
    const std::string untar = absl::StrCat("tar -C ", data_.path(), " -xzf ", CLICKTRACK_SOURCE_DIR,
                                           "/tests/compat/data-e070e48.tar.gz");
    ASSERT_EQ(std::system(untar.c_str()), 0) << untar;
    StartTrackerd();
  }
  std::string DataDir() const override { return data_.path() + "/data"; }

  std::string Body(absl::string_view target) { return Call("GET", target).body; }
};

TEST_F(CompatTest, AnOlderDataDirectoryIsUpgradedOnceAndServesAsBefore) {
  const std::string log = process_->StderrOnceItHolds("data directory upgraded");
  EXPECT_TRUE(absl::StrContains(log, R"("from_format":1,"to_format":2,"ledger_entries_indexed":5)"))
      << log;
  // Links, clicks and reports as the older build left them.
  EXPECT_EQ(Click("/go/jane-1").status, 302);
  const std::string jane = Body("/api/v1/programs/acme/partners/jane/stats");
  EXPECT_TRUE(absl::StrContains(jane, R"("clicks":4)")) << jane;
  EXPECT_TRUE(absl::StrContains(jane, R"("revenue":"140.00")")) << jane;
  const std::string omar = Body("/api/v1/programs/acme/partners/omar/stats");
  EXPECT_TRUE(absl::StrContains(omar, R"("refunded":"10.00")")) << omar;
  // Balances read the payout index the upgrade built: 20.00 + 4.00; 1.00 + 10.00 - 2.00.
  const std::string balances = Body("/api/v1/programs/acme/balances");
  EXPECT_TRUE(absl::StrContains(
      balances,
      R"("partner_id":"jane","pending":"0.00","approved":"24.00","paid":"0.00","balance":"24.00")"))
      << balances;
  EXPECT_TRUE(absl::StrContains(balances, R"("partner_id":"omar")")) << balances;
  EXPECT_TRUE(absl::StrContains(balances, R"("balance":"9.00")")) << balances;
  // The customer the older build attributed still belongs to jane: a lifetime commission.
  const HttpResult repeat =
      Send("GET",
           "/postback?program=acme&token=compat-postback-secret&order_id=A3&amount=30.00"
           "&currency=USD&customer=cus_a");
  ASSERT_EQ(repeat.status, 200) << repeat.body;
  EXPECT_TRUE(absl::StrContains(repeat.body, R"("partner_id":"jane")")) << repeat.body;
  // A payout settles the old entries with the new one.
  const HttpResult paid = Call("POST", "/api/v1/programs/acme/payouts",
                               R"({"partner_ids": ["jane"], "note": "upgrade"})");
  ASSERT_EQ(paid.status, 201) << paid.body;
  EXPECT_TRUE(absl::StrContains(paid.body, R"("amount":"27.00")")) << paid.body;

  // A second start finds the directory current.
  ASSERT_EQ(process_->Signal(SIGTERM), 0);
  StartTrackerd();
  EXPECT_EQ(Send("GET", "/healthz").status, 200);
  EXPECT_FALSE(absl::StrContains(process_->Stderr(), "upgraded")) << process_->Stderr();
}

class NewDirectoryTest : public TrackerdTest {};

TEST_F(NewDirectoryTest, ANewDataDirectoryStartsAtTheCurrentFormatWithNothingToUpgrade) {
  EXPECT_EQ(Send("GET", "/healthz").status, 200);
  const std::string log = process_->StderrOnceItHolds("upgraded", absl::Milliseconds(300));
  EXPECT_FALSE(absl::StrContains(log, "upgraded")) << log;
}

}  // namespace
}  // namespace clicktrack::testing
