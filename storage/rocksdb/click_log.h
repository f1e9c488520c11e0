#pragma once

// ClickLog on RocksDB: clicks, their per-customer index, and their daily counters.

#include <array>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "storage/internal/pending_click_index.h"
#include "storage/internal/unique_click_memory.h"
#include "storage/rocksdb/database.h"
#include "storage/rocksdb/ship_log.h"
#include "storage/store.h"

namespace clicktrack::storage_internal {

class RocksDbClickLog final : public storage::ClickLog {
 public:
  explicit RocksDbClickLog(Database& database);
  // Stores the pending customer_clicks entries and marks the index complete.
  ~RocksDbClickLog() override;
  RocksDbClickLog(const RocksDbClickLog&) = delete;
  RocksDbClickLog& operator=(const RocksDbClickLog&) = delete;

  // Run once, before the first click is written: derives the entries a crash left pending
  // (RecoverClickIndex), and says what it did.
  absl::StatusOr<storage::OpenRecovery> Recover();
  // Returning visitors' customer_clicks entries not stored yet; readers of a customer's clicks
  // look here too (VisitCustomerClicks).
  const PendingClickIndex& pending() const { return pending_; }
  // An edge node's: every click written from now on gets its entry there, in the same write.
  void set_ship_log(RocksDbShipLog* ship_log) { ship_log_ = ship_log; }

  absl::Status RecordClicks(absl::Span<attribution::Click> clicks) override;
  absl::StatusOr<attribution::Click> GetClick(const attribution::Ulid& click_id) const override;
  absl::StatusOr<std::vector<bool>> ImportClicks(absl::Span<attribution::Click> clicks,
                                                 absl::Span<const std::string> import_ids) override;
  absl::StatusOr<std::optional<attribution::Ulid>> FindImportedClick(
      absl::string_view program_id, absl::string_view import_id) const override;

 private:
  // Clicks of one customer are serialised by a striped lock while deciding uniqueness.
  static constexpr size_t kCustomerStripes = 64;

  // Locks the stripes of the returning customers among `clicks`, in order (so that batches of
  // different threads cannot deadlock). A customer minted by this very request has no earlier
  // click: no lock.
  absl::InlinedVector<std::unique_lock<std::mutex>, 16> LockCustomers(
      absl::Span<const attribution::Click> clicks) const;
  // Whether clicks[i] has a unique click of its customer on its link within the unique-click
  // period before it: earlier in `clicks`, or stored.
  absl::StatusOr<bool> HadUniqueClick(absl::Span<const attribution::Click> clicks, size_t i) const;
  // The time of the stored unique click of `click`'s customer on its link within the period
  // before it, if there is one.
  absl::StatusOr<std::optional<absl::Time>> FindStoredUniqueClick(
      const attribution::Click& click) const;
  static size_t StripeOf(const attribution::Click& click);
  // Writes `batch` with the next run of pending entries, if one is due as of `now` (or, with
  // `drain`, whatever is pending), and the run's watermark.
  absl::Status WriteWithRun(rocksdb::WriteBatch& batch, absl::Time now, bool drain = false);

  Database& database_;
  PendingClickIndex pending_;
  RocksDbShipLog* ship_log_ = nullptr;
  rocksdb::WriteOptions write_;  // WAL on, no fsync: a process crash loses nothing
  mutable std::array<std::mutex, kCustomerStripes> customer_stripes_;
  // What each stripe knows of its customers' unique clicks, under the stripe's lock: 1,024
  // customers each (UniqueClickMemory's default), 65,536 in all (about 10 MB).
  mutable std::array<UniqueClickMemory, kCustomerStripes> unique_memory_;
  std::mutex import_mu_;
};

}  // namespace clicktrack::storage_internal
