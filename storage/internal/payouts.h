#pragma once

// Payouts in the ledger family (storage/key_codec.h): the unpaid index, the payouts, their
// receipts by idempotency key and the totals paid. Carried out by the committer, in its batch,
// so that a payout and a refund never interleave.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rocksdb/db.h"
#include "rocksdb/utilities/write_batch_with_index.h"

#include "attribution/engine.h"
#include "attribution/payout.h"
#include "storage/internal/counter_sums.h"

namespace clicktrack::storage_internal {

// The unpaid index's value of a ledger entry.
std::string EncodeUnpaid(const attribution::LedgerEntry& entry);

// The partner's unpaid entries, oldest first, from `iterator` (over the ledger family).
absl::StatusOr<std::vector<attribution::UnpaidEntry>> ReadUnpaid(rocksdb::Iterator& iterator,
                                                                 absl::string_view program_id,
                                                                 absl::string_view partner_id);

// The partner's total paid, from `value` of its PaidTotalKey (absent: 0).
int64_t DecodePaidTotal(const std::optional<std::string>& value);

// Carries out `order` for `partner_ids` (sorted, existing) in `writes`, reading through it:
// each partner whose balance reaches the minimum gets a payout of its approved unpaid entries,
// which leave the unpaid index and name the payout. An order whose idempotency key was seen
// answers that order's payouts again (replayed), or kAlreadyExists if its fingerprint differs.
// The settled accruals and bonuses are added to kCommissionPaid in `counters`.
absl::StatusOr<attribution::PayoutOutcome> CarryOutPayout(
    rocksdb::DB& db, rocksdb::WriteBatchWithIndex& writes, rocksdb::ColumnFamilyHandle* ledger,
    absl::string_view program_id, const std::vector<std::string>& partner_ids,
    const attribution::PayoutOrder& order, attribution::IdSource& ids, CounterSums& counters);

// The sum of the partner's unpaid accruals and bonuses created in [from, to) whose hold is
// not over at `now`, from `iterator` (over the ledger family).
absl::StatusOr<int64_t> SumPending(rocksdb::Iterator& iterator, absl::string_view program_id,
                                   absl::string_view partner_id, absl::Time from, absl::Time to,
                                   absl::Time now);

}  // namespace clicktrack::storage_internal
