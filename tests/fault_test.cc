// Faults an operator meets: a damaged write-ahead log, a full or read-only disk, too few file
// descriptors. Each against a real trackerd; the disk tests mount a small tmpfs and so need
// root (they skip without it; CI runs as root).

#include <signal.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

#include "tests/conversion_fixture.h"

namespace clicktrack::testing {
namespace {

namespace fs = std::filesystem;

using FaultTest = ConversionFixture;

// The data directory's write-ahead log files, oldest first.
std::vector<fs::path> WalFiles(const std::string& dir) {
  std::vector<fs::path> logs;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".log") {
      logs.push_back(entry.path());
    }
  }
  std::sort(logs.begin(), logs.end());
  return logs;
}

void FlipByte(const fs::path& file, std::streamoff offset) {
  std::fstream stream(file, std::ios::in | std::ios::out | std::ios::binary);
  stream.seekg(offset);
  const char byte = static_cast<char>(stream.get());
  stream.seekp(offset);
  stream.put(static_cast<char>(byte ^ 0x5A));
}

// Defect 8 of issue 10: one flipped byte in the middle of the WAL opened silently, and the
// acknowledged orders after it were gone. Now the daemon refuses to start and says where.
TEST_F(FaultTest, AFlippedByteInTheWalRefusesToOpenAndNamesTheFile) {
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(PostbackGet(absl::StrCat("order_id=o", i, "&amount=10&currency=USD")).status, 200);
  }
  ASSERT_EQ(process_->Signal(SIGKILL), 128 + SIGKILL);  // the WAL is all there is
  const std::vector<fs::path> logs = WalFiles(data_.path());
  ASSERT_FALSE(logs.empty());
  const fs::path wal = logs.back();
  ASSERT_GT(fs::file_size(wal), 20000u);
  FlipByte(wal, static_cast<std::streamoff>(fs::file_size(wal) / 2));

  const ProcessOutput out = RunTrackerd(
      {"--data", data_.path(), "--admin-token", kAdminToken, "--listen", "127.0.0.1:0"});
  EXPECT_EQ(out.exit_status, 1) << out.output;
  EXPECT_TRUE(absl::StrContains(out.output, absl::StrCat(wal.filename().string(), " at byte ")))
      << out.output;
  EXPECT_TRUE(absl::StrContains(out.output, "checksum mismatch")) << out.output;
}

// A torn last record (a crash in the middle of an unsynced append) is not damage: the daemon
// opens, and every acknowledged (synced) order is there.
TEST_F(FaultTest, ATornLastRecordOpensWithEveryAcknowledgedOrder) {
  for (int i = 0; i < 50; ++i) {
    ASSERT_EQ(PostbackGet(absl::StrCat("order_id=o", i, "&amount=10&currency=USD")).status, 200);
  }
  ASSERT_EQ(Click("/go/c1").status, 302);  // an unsynced write last
  ASSERT_EQ(process_->Signal(SIGKILL), 128 + SIGKILL);
  const fs::path wal = WalFiles(data_.path()).back();
  fs::resize_file(wal, fs::file_size(wal) - 3);
  StartTrackerd();
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(Field(Json(PostbackGet(absl::StrCat("order_id=o", i, "&amount=10&currency=USD"))),
                    "result"),
              "duplicate");
  }
}

}  // namespace
}  // namespace clicktrack::testing
