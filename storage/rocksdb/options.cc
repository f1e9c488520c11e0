#include "storage/rocksdb/options.h"

#include <memory>

#include "rocksdb/cache.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/merge_operator.h"
#include "rocksdb/statistics.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/table_properties_collectors.h"

#include "storage/internal/families.h"
#include "storage/internal/info_log.h"
#include "storage/internal/rocks_status.h"
#include "storage/key_codec.h"

namespace clicktrack::storage_internal {
namespace {

using storage::DecodeCounter;
using storage::EncodeCounter;

// Adds int64 counters (8 bytes little-endian). A malformed operand is skipped rather than
// failing the whole merge: counters are derived data and one bad value must not wedge reads.
class CounterAddOperator final : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice& /*key*/, const rocksdb::Slice* existing_value,
             const rocksdb::Slice& value, std::string* new_value,
             rocksdb::Logger* /*logger*/) const override {
    int64_t sum = 0;
    int64_t operand = 0;
    if (existing_value != nullptr && DecodeCounter(ToView(*existing_value), operand)) {
      sum = operand;
    }
    if (DecodeCounter(ToView(value), operand)) {
      sum += operand;
    }
    const auto bytes = EncodeCounter(sum);
    new_value->assign(bytes.data(), bytes.size());
    return true;
  }
  const char* Name() const override { return "clicktrack.CounterAdd"; }
};

}  // namespace

rocksdb::Options DatabaseOptions(const std::string& path) {
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.IncreaseParallelism(2);
  db_options.max_background_jobs = 2;
  // A write-ahead log damaged in the middle refuses to open: the default (point in time)
  // replays up to the damage and silently drops every acknowledged write after it. Only a
  // torn last record, which no acknowledged write can be, is tolerated.
  db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  db_options.paranoid_checks = true;
  // RocksDB's own diagnostic log, written so that a full disk cannot abort the process.
  db_options.info_log = OpenInfoLog(path, /*keep_old=*/5);
  // Flushes and compactions run under SCHED_IDLE: on a core that also serves requests, a
  // background thread at normal priority keeps the core for a whole scheduler tick (4 ms) and
  // that is the p99. They get the time the event loops leave idle, and on a saturated core
  // the pauses the loops make for them while PendingBackgroundWork() says they have work
  // (tracker/background_yield.h; bench/load/sustained.sh, docs/performance.md).
  (void)db_options.env->LowerThreadPoolCPUPriority(rocksdb::Env::Priority::HIGH,
                                                   rocksdb::CpuPriority::kIdle);
  (void)db_options.env->LowerThreadPoolCPUPriority(rocksdb::Env::Priority::LOW,
                                                   rocksdb::CpuPriority::kIdle);

  // Tickers only (no histograms, no timers): write stalls and block-cache hits for /metrics,
  // at the cost of a per-core counter add.
  db_options.statistics = rocksdb::CreateDBStatistics();
  db_options.statistics->set_stats_level(rocksdb::StatsLevel::kExceptHistogramOrTimers);

  return db_options;
}

std::vector<rocksdb::ColumnFamilyDescriptor> FamilyDescriptors(size_t block_cache_bytes) {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(block_cache_bytes);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.format_version = 5;

  rocksdb::ColumnFamilyOptions family_options;
  family_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // Levels sized from the last one up: most data sits in the last level, compressed with zstd,
  // whatever the store's size. With static level sizes a young store kept its data in L1 or
  // L2, and whether that was the bottommost level (zstd) or not (uncompressed) depended on a
  // background compaction's timing: 50.6 to 79.6 bytes per click for the same 10 M clicks.
  family_options.level_compaction_dynamic_level_bytes = true;
  // Four 32 MB memtables per family instead of two of 64 MB: the same memory, but a flush that
  // only runs in the loops' pauses has three memtables' time before writes would stop.
  family_options.write_buffer_size = 32 << 20;
  family_options.max_write_buffer_number = 4;
  // L0 (fresh flushes) uncompressed; levels between L0 and the last one (with dynamic sizes,
  // entries after the first count from the level L0 merges into) LZ4; the last one zstd.
  family_options.compression_per_level = {rocksdb::kNoCompression,  rocksdb::kLZ4Compression,
                                          rocksdb::kLZ4Compression, rocksdb::kLZ4Compression,
                                          rocksdb::kLZ4Compression, rocksdb::kLZ4Compression,
                                          rocksdb::kLZ4Compression};
  family_options.bottommost_compression = rocksdb::kZSTD;
  // zstd level 1: every compaction of a young store writes the last level, so its cost is
  // paid per click (level 3: 49.3 bytes/click, level 1: 50.5, ~3 % more redirects sustained).
  family_options.bottommost_compression_opts.enabled = true;
  family_options.bottommost_compression_opts.level = 1;

  // Families only ever read by range (a customer's clicks, stats, the ledger) need no bloom
  // filter: building one costs every flush and compaction CPU and every click a byte on disk.
  rocksdb::BlockBasedTableOptions range_table = table;
  range_table.filter_policy.reset();
  const std::shared_ptr<rocksdb::TableFactory> range_factory(
      rocksdb::NewBlockBasedTableFactory(range_table));

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (size_t i = 0; i < kFamilyCount; ++i) {
    rocksdb::ColumnFamilyOptions opts = family_options;
    if (i == kCustomerClicks || i == kStats || i == kLedger || i == kShipLog) {
      opts.table_factory = range_factory;
    }
    if (i == kStats) {
      opts.merge_operator = std::make_shared<CounterAddOperator>();
    }
    if (i == kConversions || i == kCustomers || i == kIdentities || i == kRefunds) {
      // The committer looks up every new order id, customer, identity, payment link and
      // source event, and most are not there yet: a whole-key bloom filter over the memtable
      // answers those misses without walking the skip list (SST files have theirs from
      // `table.filter_policy`).
      opts.memtable_whole_key_filtering = true;
      opts.memtable_prefix_bloom_size_ratio = 0.02;
    }
    if (i == kOutbox) {
      // A queue: every delivered postback deletes its queue entry, and the worker seeks past
      // the deletions to the oldest pending one. Files dense with deletions are compacted
      // early (128 deletions within any 1,024 entries), so the seek stays short.
      opts.table_properties_collector_factories.push_back(
          rocksdb::NewCompactOnDeletionCollectorFactory(1024, 128));
    }
    descriptors.emplace_back(kFamilyNames[i], opts);
  }

  return descriptors;
}

}  // namespace clicktrack::storage_internal
