#pragma once

// ConversionCommitter on RocksDB: one thread that decides queued events with the attribution
// engine, reading through its pending batch, and writes each batch with one fsync.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "rocksdb/utilities/write_batch_with_index.h"

#include "storage/internal/committer_cells.h"
#include "storage/internal/counter_sums.h"
#include "storage/internal/pending_click_index.h"
#include "storage/internal/range_compactor.h"
#include "storage/internal/record_cache.h"
#include "storage/rocksdb/database.h"
#include "storage/store.h"

namespace clicktrack::storage_internal {

class RocksDbCommitter final : public storage::ConversionCommitter {
 public:
  // Decides with the programs and partners of `config`, and the customers' clicks of the store
  // and of `pending_clicks`; mints ids with `ids` (nullptr: every event fails with kInternal).
  // Starts the committer thread.
  RocksDbCommitter(Database& database, const storage::ConfigStore& config,
                   const PendingClickIndex& pending_clicks, attribution::IdSource* ids,
                   size_t max_batch);
  // Decides and writes what is queued, then stops the thread.
  ~RocksDbCommitter() override;
  RocksDbCommitter(const RocksDbCommitter&) = delete;
  RocksDbCommitter& operator=(const RocksDbCommitter&) = delete;

  void SubmitConversion(std::string program_id, attribution::ConversionEvent event,
                        storage::ConversionCallback done) override;
  void SubmitPayout(std::string program_id, std::vector<std::string> partner_ids,
                    attribution::PayoutOrder order, storage::PayoutCallback done) override;
  storage::CommitterStats committer_stats() const override;

 private:
  struct PendingConversion {
    attribution::ConversionEvent event;
    storage::ConversionCallback done;
  };
  struct PendingPayout {
    std::vector<std::string> partner_ids;
    attribution::PayoutOrder order;
    storage::PayoutCallback done;
  };
  struct Pending {
    std::string program_id;
    std::variant<PendingConversion, PendingPayout> work;
  };
  using Outcome = std::variant<absl::StatusOr<attribution::Decision>,
                               absl::StatusOr<attribution::PayoutOutcome>>;

  void Enqueue(Pending pending);
  void Loop();
  // The next batch to decide, waiting for one; empty when stopping with nothing left.
  std::vector<Pending> TakeBatch();
  void CommitBatch(std::vector<Pending>& batch);
  // Counts the durable decisions of a batch (/metrics), each in its program's currency.
  void ObserveDecisions(const std::vector<Outcome>& outcomes,
                        const std::vector<attribution::Currency>& currencies);
  // After a durable batch: asks for a compaction of the unpaid index of each partner whose
  // payout settled at least kCompactAfterSettling entries (range_compactor.h).
  static constexpr int64_t kCompactAfterSettling = 4096;
  void CompactSettledRanges(const std::vector<Pending>& batch,
                            const std::vector<Outcome>& outcomes);
  // Sets `currency` to the program's when it decides a conversion.
  Outcome Decide(const Pending& pending, rocksdb::WriteBatchWithIndex& writes,
                 CounterSums& counters, attribution::Currency& currency);
  absl::StatusOr<attribution::Decision> DecideConversion(const std::string& program_id,
                                                         const attribution::ConversionEvent& event,
                                                         rocksdb::WriteBatchWithIndex& writes,
                                                         CounterSums& counters,
                                                         attribution::Currency& currency);
  // SPEC §4.7: a delivery for each of the decision's ledger entries whose partner has a
  // postback_url, in the batch of the entries.
  absl::Status AddDeliveries(const attribution::Program& program,
                             const attribution::Decision& decision,
                             rocksdb::WriteBatchWithIndex& writes);

  Database& database_;
  const storage::ConfigStore& config_;
  const PendingClickIndex& pending_clicks_;
  attribution::IdSource* const ids_;
  const size_t max_batch_;
  rocksdb::WriteOptions write_;  // synced: acknowledged payments survive power loss

  mutable std::mutex queue_mu_;
  std::condition_variable queue_ready_;
  std::deque<Pending> queue_;  // under queue_mu_
  bool stopping_ = false;      // under queue_mu_
  CommitterCells cells_;       // written by the committer thread
  // Customers and identities as stored, read by the committer thread only (record_cache.h).
  // 50,000 records of each family: at most about 15 MB.
  RecordCache cache_{50'000};
  RangeCompactor compactor_;  // destroyed after the committer thread has stopped
  std::thread thread_;        // started by the constructor, once everything above is set
};

}  // namespace clicktrack::storage_internal
