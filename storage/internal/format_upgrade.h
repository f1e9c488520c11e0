#pragma once

// The data directory's format version, and the upgrade of an older directory when a newer
// build opens it (docs/operations.md, "Upgrade"). The version is kept in the default column
// family; an older build ignores it.
//
//   1: everything before 0.1.0's payouts (no version key): ledger entries have no unpaid index.
//   2: every unpaid ledger entry has its 'U' index entry (payouts and balances read it).

#include "absl/status/statusor.h"

#include "storage/rocksdb/database.h"
#include "storage/store.h"

namespace clicktrack::storage_internal {

inline constexpr int kFormatVersion = 2;

// Brings the store at `database` to kFormatVersion, in synced batches, then records the
// version. Idempotent: a crash part-way redoes the rest at the next open. kFailedPrecondition
// for a directory written by a newer build (a version above kFormatVersion).
absl::StatusOr<storage::FormatUpgrade> UpgradeFormat(Database& database);

}  // namespace clicktrack::storage_internal
