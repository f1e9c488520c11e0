#pragma once

// The outbox's records (SPEC §4.7): a delivery and its index entries, written by the committer
// in the batch of the movement that caused it, and rewritten by the outbox after each attempt.

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch_base.h"

#include "attribution/delivery.h"

namespace clicktrack::storage_internal {

// Puts `delivery` and its index entries into `batch`. `was_due` is when the stored version was
// due, if it was pending (its queue entry moves or goes); nullopt for a new delivery or one
// that was not pending.
absl::Status PutDelivery(rocksdb::WriteBatchBase& batch,
                         const std::vector<rocksdb::ColumnFamilyHandle*>& families,
                         const attribution::Delivery& delivery, std::optional<absl::Time> was_due);

// The stored delivery with `id`, or nullopt.
absl::StatusOr<std::optional<attribution::Delivery>> ReadDelivery(
    rocksdb::DB& db, rocksdb::ColumnFamilyHandle* outbox, const attribution::Ulid& id);

}  // namespace clicktrack::storage_internal
