#include "storage/rocksdb/maintenance.h"

#include <memory>
#include <utility>

#include "rocksdb/statistics.h"

#include "attribution/base/status_macros.h"
#include "storage/internal/families.h"
#include "storage/internal/rocks_status.h"

namespace clicktrack::storage_internal {

absl::Status RocksDbMaintenance::CompactAll() {
  rocksdb::DB& db = database_.db();
  rocksdb::FlushOptions flush;
  flush.wait = true;
  CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(db.Flush(flush, database_.families())));
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
  for (rocksdb::ColumnFamilyHandle* family : database_.families()) {
    CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(db.CompactRange(compact, family, nullptr, nullptr)));
  }
  return absl::OkStatus();
}

uint64_t RocksDbMaintenance::SstBytes() const {
  uint64_t total = 0;
  for (rocksdb::ColumnFamilyHandle* family : database_.families()) {
    uint64_t bytes = 0;
    if (database_.db().GetIntProperty(family, rocksdb::DB::Properties::kLiveSstFilesSize, &bytes)) {
      total += bytes;
    }
  }
  return total;
}

bool RocksDbMaintenance::IsWritable() const {
  uint64_t stopped = 0;
  if (database_.db().GetIntProperty(rocksdb::DB::Properties::kIsWriteStopped, &stopped) &&
      stopped != 0) {
    return false;
  }
  return !database_.last_write_failed();
}

storage::Maintenance::BackgroundWork RocksDbMaintenance::PendingBackgroundWork() const {
  // Jobs queued for a pool thread (which may not have had the core yet) or running.
  rocksdb::DB& db = database_.db();
  rocksdb::Env* env = db.GetEnv();
  uint64_t running_flushes = 0;
  uint64_t running_compactions = 0;
  (void)db.GetIntProperty("rocksdb.num-running-flushes", &running_flushes);
  (void)db.GetIntProperty("rocksdb.num-running-compactions", &running_compactions);
  return BackgroundWork{
      .flush = env->GetThreadPoolQueueLen(rocksdb::Env::Priority::HIGH) > 0 || running_flushes > 0,
      .compaction =
          env->GetThreadPoolQueueLen(rocksdb::Env::Priority::LOW) > 0 || running_compactions > 0};
}

storage::Maintenance::EngineStats RocksDbMaintenance::ReadEngineStats() const {
  rocksdb::DB& db = database_.db();
  EngineStats stats;
  for (size_t i = 0; i < kFamilyCount; ++i) {
    rocksdb::ColumnFamilyHandle* family = database_.family(static_cast<Family>(i));
    EngineStats::Family figures{.name = kFamilyNames[i]};
    (void)db.GetIntProperty(family, rocksdb::DB::Properties::kLiveSstFilesSize,
                            &figures.live_sst_bytes);
    (void)db.GetIntProperty(family, rocksdb::DB::Properties::kCurSizeAllMemTables,
                            &figures.memtable_bytes);
    (void)db.GetIntProperty(family, rocksdb::DB::Properties::kEstimatePendingCompactionBytes,
                            &figures.pending_compaction_bytes);
    stats.families.push_back(std::move(figures));
  }
  if (const std::shared_ptr<rocksdb::Statistics> tickers = db.GetDBOptions().statistics) {
    stats.write_stall_micros = tickers->getTickerCount(rocksdb::STALL_MICROS);
    stats.block_cache_hits = tickers->getTickerCount(rocksdb::BLOCK_CACHE_HIT);
    stats.block_cache_misses = tickers->getTickerCount(rocksdb::BLOCK_CACHE_MISS);
  }
  return stats;
}

}  // namespace clicktrack::storage_internal
