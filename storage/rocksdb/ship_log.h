#pragma once

// ShipLog on RocksDB: the `ship_log` family, keyed by position, each value a shipped click's
// bytes (a format byte, the click id, the click's record), and the default family's key
// `ship_log_shipped`, the last position shipped.

#include <atomic>
#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "rocksdb/write_batch.h"

#include "attribution/click.h"
#include "storage/internal/click_records.h"
#include "storage/internal/ship_positions.h"
#include "storage/rocksdb/database.h"
#include "storage/store.h"

namespace clicktrack::storage_internal {

class RocksDbShipLog final : public storage::ShipLog {
 public:
  // Reads where the log stands: its last entry, the last position shipped, its backlog (a
  // scan of the entries left).
  static absl::StatusOr<std::unique_ptr<RocksDbShipLog>> Open(Database& database);

  // For the click log's write: takes positions for `clicks` and adds their entries to
  // `batch`; returns the first position, to pass to EndWrite once the batch is written.
  uint64_t AddEntries(absl::Span<const attribution::Click> clicks, ClickScratch& scratch,
                      rocksdb::WriteBatch& batch);
  void EndWrite(uint64_t first, uint64_t count, bool written);

  absl::StatusOr<std::vector<storage::ShippedClick>> ReadShippable(uint64_t after,
                                                                   size_t most) const override;
  absl::Status MarkShipped(uint64_t through, uint64_t count) override;
  uint64_t shipped_through() const override {
    return shipped_through_.load(std::memory_order_relaxed);
  }
  uint64_t backlog() const override { return backlog_.load(std::memory_order_relaxed); }

 private:
  RocksDbShipLog(Database& database, uint64_t next, uint64_t shipped_through, uint64_t backlog);

  Database& database_;
  ShipPositions positions_;
  std::atomic<uint64_t> shipped_through_;
  std::atomic<uint64_t> backlog_;
};

}  // namespace clicktrack::storage_internal
