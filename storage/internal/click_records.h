#pragma once

// How a click is stored, in one place for the redirect's write path and the reads of a
// customer's clicks: its record in `clicks` (keyed by its id), and an entry in
// `customer_clicks` unless the click minted its customer, that is unless its id is the
// customer's id (a new visitor's first click). That click is found by the customer's id.
// A returning visitor's entry waits in a PendingClickIndex before it is stored.

#include <optional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

#include "attribution/click.h"
#include "storage/internal/counter_sums.h"
#include "storage/internal/pending_click_index.h"
#include "storage/key_codec.h"
#include "storage/records.pb.h"

namespace clicktrack::storage_internal {

// The records a click is encoded into, kept by each thread that writes clicks and overwritten
// per click: no allocation once warm.
struct ClickScratch {
  storage::proto::Click click;
  storage::proto::CustomerClick entry;
  std::string value;
};

// Adds the click's record to `batch` and its stats counters (none for a bot) to `counters`.
void AddClick(const attribution::Click& click, rocksdb::ColumnFamilyHandle* clicks,
              ClickScratch& scratch, rocksdb::WriteBatch& batch, CounterSums& counters);

// Whether the click has a customer_clicks entry: it did not mint its customer.
inline bool HasCustomerClickEntry(const attribution::Click& click) {
  return click.customer_id != click.id;
}
// The click's customer_clicks entry.
PendingClickIndex::Entry CustomerClickEntry(const attribution::Click& click, ClickScratch& scratch);

// Calls f(key parts, encoded proto::CustomerClick) for each customer_clicks entry of
// `customer` in `program_id` whose time lies in [from, to]: the pending ones in key order,
// then the stored ones that were not among them, in key order. Stops when f returns false.
using CustomerClickVisitor =
    absl::FunctionRef<bool(const storage::CustomerClickKeyParts&, absl::string_view)>;
absl::Status VisitCustomerClicks(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* customer_clicks,
                                 const PendingClickIndex& pending, absl::string_view program_id,
                                 const attribution::Ulid& customer, absl::Time from, absl::Time to,
                                 CustomerClickVisitor f);

// The stored click with this id, if any; kDataLoss if its record is unreadable.
absl::StatusOr<std::optional<attribution::Click>> ReadClick(rocksdb::DB& db,
                                                            rocksdb::ColumnFamilyHandle* clicks,
                                                            const attribution::Ulid& click_id);

// The click that minted `customer` in `program_id`, if it is stored and its time (the id's)
// lies in [from, to]; no read at all when the id's time is outside. A click with that id that
// belongs to another customer or program is not it.
absl::StatusOr<std::optional<attribution::Click>> FindMintingClick(
    rocksdb::DB& db, rocksdb::ColumnFamilyHandle* clicks, absl::string_view program_id,
    const attribution::Ulid& customer, absl::Time from, absl::Time to);

}  // namespace clicktrack::storage_internal
