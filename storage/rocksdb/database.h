#pragma once

// The open RocksDB database that the store's roles share: the handle, the column families, and
// the one write path, which records failures for /readyz and wakes the write recovery.

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

#include "storage/internal/families.h"
#include "storage/internal/write_recovery.h"

namespace clicktrack::storage_internal {

class Database {
 public:
  Database(std::unique_ptr<rocksdb::DB> db, std::vector<rocksdb::ColumnFamilyHandle*> families);
  // Stops the write recovery, flushes the write-ahead log (unless a write failed) and closes.
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  rocksdb::DB& db() const { return *db_; }
  rocksdb::ColumnFamilyHandle* family(Family family) const { return families_[family]; }
  const std::vector<rocksdb::ColumnFamilyHandle*>& families() const { return families_; }

  // Writes `batch` atomically. A failure marks the store unwritable and wakes the recovery;
  // the next good write marks it writable again.
  absl::Status Write(const rocksdb::WriteOptions& options, rocksdb::WriteBatch* batch);
  // The value at `key`, or nullopt.
  absl::StatusOr<std::optional<std::string>> Get(Family family, absl::string_view key) const;

  // True since a write failed, until one succeeds or the recovery resumes the engine.
  bool last_write_failed() const { return last_write_failed_.load(std::memory_order_relaxed); }
  // Syncs the write-ahead log. kUnavailable after a failed write: RocksDB 7.8 asserts on the
  // next use of a log writer that has seen an error.
  absl::Status FlushWal();

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> families_;
  std::atomic<bool> last_write_failed_{false};
  std::unique_ptr<WriteRecovery> recovery_;  // after the flag it clears
};

}  // namespace clicktrack::storage_internal
