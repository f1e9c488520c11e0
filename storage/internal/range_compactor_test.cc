// RangeCompactor: a requested range is compacted through every level, so that reads no longer
// step over the deletions in it (RocksDB's perf context counts each one stepped over).

#include "storage/internal/range_compactor.h"

#include <memory>
#include <string>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "rocksdb/perf_context.h"
#include "rocksdb/perf_level.h"

#include "tests/temp_dir.h"

namespace clicktrack::storage_internal {
namespace {

std::unique_ptr<rocksdb::DB> OpenDb(const std::string& path) {
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* opened = nullptr;
  const rocksdb::Status status = rocksdb::DB::Open(options, path, &opened);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return std::unique_ptr<rocksdb::DB>(opened);
}

// How many deleted entries a scan of every key from "u" steps over.
uint64_t DeletionsScanned(rocksdb::DB& db) {
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kEnableCount);
  rocksdb::get_perf_context()->Reset();
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions()));
  int live = 0;
  for (it->Seek("u"); it->Valid(); it->Next()) {
    ++live;
  }
  EXPECT_EQ(live, 10);
  const uint64_t skipped = rocksdb::get_perf_context()->internal_delete_skipped_count;
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
  return skipped;
}

TEST(RangeCompactorTest, ARequestedRangeLosesItsDeletions) {
  clicktrack::testing::TempDir dir;
  const std::unique_ptr<rocksdb::DB> db = OpenDb(dir.path() + "/db");
  ASSERT_NE(db, nullptr);
  const auto key = [](int i) { return absl::StrFormat("u%06d", i); };
  for (int i = 0; i < 5000; ++i) {
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), key(i), "entry").ok());
  }
  ASSERT_TRUE(db->Flush(rocksdb::FlushOptions()).ok());
  for (int i = 0; i < 4990; ++i) {  // a payout settles all but the last ten
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), key(i)).ok());
  }
  EXPECT_EQ(DeletionsScanned(*db), 4990u);
  {
    RangeCompactor compactor(*db);
    compactor.Request(db->DefaultColumnFamily(), "u", "u\xff");
    for (int waited = 0; compactor.done() == 0 && waited < 1000; ++waited) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    ASSERT_EQ(compactor.done(), 1u);
  }
  EXPECT_EQ(DeletionsScanned(*db), 0u);
}

TEST(RangeCompactorTest, StopsWithRequestsWaiting) {
  clicktrack::testing::TempDir dir;
  const std::unique_ptr<rocksdb::DB> db = OpenDb(dir.path() + "/db");
  ASSERT_NE(db, nullptr);
  RangeCompactor compactor(*db);
  for (int i = 0; i < 100; ++i) {
    compactor.Request(db->DefaultColumnFamily(), "a", "z");
  }
  // Destroyed here with requests waiting: it must neither hang nor touch the DB afterwards.
}

}  // namespace
}  // namespace clicktrack::storage_internal
