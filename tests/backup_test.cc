// Backups (docs/operations.md): made online into --backup-dir, listed, restored with
// `trackerd --restore-from` into a new directory that a trackerd then serves.

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "boost/json/serialize.hpp"
#include "gtest/gtest.h"

#include "tests/conversion_fixture.h"

namespace clicktrack::testing {
namespace {

class BackupTest : public ConversionFixture {
 protected:
  void SetUp() override {
    TrackerdTest::StartTrackerd({"--backup-dir", backups_.path()});
    SeedProgram();
    MakeLink("c1", "https://shop.example.com/");
  }

  // Clicks `clicks` times and sells `order` attributed to the last click.
  void Traffic(int clicks, absl::string_view order) {
    std::string cookie;
    for (int i = 0; i < clicks; ++i) {
      cookie = ClickAsVisitor();
    }
    const HttpResult sold =
        Pixel(absl::StrCat("order_id=", order, "&amount=100&currency=USD"), cookie);
    ASSERT_EQ(sold.Header("x-tracker-result"), "attributed") << sold.body;
  }

  boost::json::object Backup(absl::string_view query = "") {
    const HttpResult made = Call("POST", absl::StrCat("/api/v1/admin/backups", query));
    EXPECT_EQ(made.status, 201) << made.body;
    return Json(made);
  }

  std::string DataDir() const override {
    return data_dir_override_.empty() ? data_.path() : data_dir_override_;
  }

  TempDir backups_;
  std::string data_dir_override_;
  TempDir restored_;
};

TEST_F(BackupTest, ARestoredBackupHoldsEverythingBeforeItAndNothingAfter) {
  Traffic(5, "o1");
  Traffic(1, "o2");
  const boost::json::object first = Backup();
  EXPECT_EQ(first.at("id").as_int64(), 1);
  EXPECT_GT(first.at("size_bytes").as_int64(), 0);
  Traffic(3, "o3");  // after the first backup: in the second only
  const boost::json::object second = Backup();
  EXPECT_EQ(second.at("id").as_int64(), 2);
  const boost::json::object listed = Json(Call("GET", "/api/v1/admin/backups"));
  ASSERT_EQ(listed.at("backups").as_array().size(), 2u) << boost::json::serialize(listed);
  ASSERT_EQ(process_->Signal(SIGTERM), 0);

  const std::string target = restored_.path() + "/data";
  const ProcessOutput restore =
      RunTrackerd({"--restore-from", backups_.path(), "--backup-id", "1", "--data", target});
  ASSERT_EQ(restore.exit_status, 0) << restore.output;
  EXPECT_TRUE(absl::StrContains(restore.output, "restored backup 1")) << restore.output;

  const std::string live = data_.path();
  data_dir_override_ = target;
  StartTrackerd();
  EXPECT_EQ(StatsField("clicks"), 6);
  EXPECT_EQ(StatsField("customers_acquired"), 2);
  const HttpResult stats = Call("GET", "/api/v1/programs/acme/partners/p1/stats");
  EXPECT_TRUE(absl::StrContains(stats.body, R"("revenue":"200.00")")) << stats.body;
  // The ledger of the first backup: two accruals of 20.00.
  const HttpResult ledger = Call("GET", "/api/v1/programs/acme/partners/p1/commissions");
  EXPECT_EQ(Json(ledger).at("entries").as_array().size(), 2u) << ledger.body;
  EXPECT_FALSE(absl::StrContains(ledger.body, "o3")) << ledger.body;
  // The live data directory was not touched by the restore.
  EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(live) / "CURRENT"));
}

TEST_F(BackupTest, RetentionKeepsTheNewestBackups) {
  for (int i = 0; i < 3; ++i) {
    Backup("?keep=2");
  }
  const boost::json::array backups =
      Json(Call("GET", "/api/v1/admin/backups")).at("backups").as_array();
  ASSERT_EQ(backups.size(), 2u);
  EXPECT_EQ(backups[0].as_object().at("id").as_int64(), 2);
  EXPECT_EQ(backups[1].as_object().at("id").as_int64(), 3);
  EXPECT_EQ(Call("POST", "/api/v1/admin/backups?keep=-1").status, 400);
  EXPECT_EQ(Send("POST", "/api/v1/admin/backups").status, 401);
}

TEST_F(BackupTest, ARestoreRefusesANonEmptyTargetAndADirectoryWithoutBackups) {
  Backup();
  // Over live data: refused, nothing changed.
  const ProcessOutput over =
      RunTrackerd({"--restore-from", backups_.path(), "--data", data_.path()});
  EXPECT_EQ(over.exit_status, 1);
  EXPECT_TRUE(absl::StrContains(over.output, "is not empty")) << over.output;
  EXPECT_EQ(Send("GET", "/healthz").status, 200);

  const ProcessOutput empty =
      RunTrackerd({"--restore-from", restored_.path(), "--data", restored_.path() + "/new"});
  EXPECT_EQ(empty.exit_status, 1);
  EXPECT_TRUE(absl::StrContains(empty.output, "holds no backup")) << empty.output;
  const ProcessOutput no_such = RunTrackerd(
      {"--restore-from", backups_.path(), "--backup-id", "9", "--data", restored_.path() + "/x"});
  EXPECT_EQ(no_such.exit_status, 1);
  EXPECT_TRUE(absl::StrContains(no_such.output, "no backup 9")) << no_such.output;
  EXPECT_FALSE(std::filesystem::exists(restored_.path() + "/x"));
  EXPECT_EQ(RunTrackerd({"--backup-id", "1"}).exit_status, 2);
}

TEST(BackupDirTest, AnUnwritableBackupDirectoryStopsTheStartWithItsName) {
  TempDir data;
  TempDir parent;
  // Below a regular file: no user, root included, can make that directory.
  const std::string file = parent.path() + "/not-a-directory";
  std::ofstream(file) << "x";
  const std::string dir = file + "/backups";
  const ProcessOutput out = RunTrackerd({"--data", data.path(), "--admin-token", kAdminToken,
                                         "--listen", "127.0.0.1:0", "--backup-dir", dir});
  EXPECT_EQ(out.exit_status, 1);
  EXPECT_TRUE(absl::StrContains(out.output, dir)) << out.output;
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(data.path()) / "CURRENT"));
}

}  // namespace
}  // namespace clicktrack::testing
