#pragma once

// The click index's watermark (PendingClickIndex) in the default family, and the recovery
// that derives again, after a crash, the customer_clicks entries that were pending.

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "rocksdb/write_batch.h"

#include "storage/rocksdb/database.h"

namespace clicktrack::storage_internal {

// Adds to `batch` the watermark: every returning click stored before `time` has its entry.
void PutClickIndexWatermark(absl::Time time, rocksdb::WriteBatch& batch, const Database& database);
// Adds to `batch` the mark that every pending entry is stored (a clean shutdown).
void PutClickIndexComplete(rocksdb::WriteBatch& batch, const Database& database);

// Run when the store opens, before any click is written: unless the index was marked
// complete (or the store has never had a watermark), stores the entries of every returning
// click from the watermark on. Then sets the watermark to `now`, for PendingClickIndex::Start.
// Returns how many clicks it read, or nullopt when there was nothing to recover.
absl::StatusOr<std::optional<size_t>> RecoverClickIndex(Database& database, absl::Time now);

}  // namespace clicktrack::storage_internal
