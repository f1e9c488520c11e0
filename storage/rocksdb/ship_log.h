#pragma once

// ShipLog on RocksDB: the `ship_log` family, keyed by position, each value an entry: a format
// byte, then for a click (1) its program id (a length byte first), its id and its record; for
// a config record put (2) or deleted (3) its key (two length bytes first) and the value put.
// And the default family's key
// `ship_log_shipped`, the last position shipped. Entries at or before it may linger until
// the next range deletion; nothing reads them.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "rocksdb/write_batch.h"

#include "attribution/click.h"
#include "storage/internal/ship_positions.h"
#include "storage/rocksdb/database.h"
#include "storage/store.h"

namespace clicktrack::storage_internal {

class RocksDbShipLog final : public storage::ShipLog {
 public:
  // Shipped entries are deleted in runs of at least this many.
  static constexpr uint64_t kDeleteEvery = 65536;

  // Reads where the log stands: its last entry, the last position shipped, its backlog (a
  // scan of the entries left).
  static absl::StatusOr<std::unique_ptr<RocksDbShipLog>> Open(Database& database);

  // For the click log's write: takes a position for each of `records`, the encoded records
  // of `clicks`, and adds their entries to `batch`; returns the first position, to pass to
  // EndWrite once the batch is written.
  uint64_t AddClicks(absl::Span<const attribution::Click> clicks,
                     absl::Span<const std::string> records, rocksdb::WriteBatch& batch);
  // For a config write: the same for one record of the config family (none: deleted).
  uint64_t AddConfig(absl::string_view key, std::optional<absl::string_view> value,
                     rocksdb::WriteBatch& batch);
  void EndWrite(uint64_t first, uint64_t count, bool written);

  absl::StatusOr<std::vector<storage::ShipEntry>> ReadShippable(uint64_t after,
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
  // Entries up to here were deleted (by this process: after a restart the first deletion
  // covers everything shipped before). Used by the shipper's thread only.
  uint64_t deleted_through_ = 0;
};

}  // namespace clicktrack::storage_internal
