#pragma once

// Compacts key ranges of the store on a thread of its own, on request. A payout that settles
// many ledger entries deletes as many unpaid-index entries; until a compaction meets those
// deletions with the entries they delete, every read of the partner's unpaid entries (its
// balance) steps over them one by one. Compacting just that range removes both at once,
// without holding up the committer.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "rocksdb/db.h"

namespace clicktrack::storage_internal {

class RangeCompactor {
 public:
  explicit RangeCompactor(rocksdb::DB& db);
  // Cancels a compaction under way, drops the ones waiting, and joins the thread.
  ~RangeCompactor();
  RangeCompactor(const RangeCompactor&) = delete;
  RangeCompactor& operator=(const RangeCompactor&) = delete;

  // Compacts [begin, end) of `family` through every level, after the requests before it.
  void Request(rocksdb::ColumnFamilyHandle* family, std::string begin, std::string end);

  // How many requests have been carried out (for tests).
  uint64_t done() const { return done_.load(std::memory_order_acquire); }

 private:
  struct Range {
    rocksdb::ColumnFamilyHandle* family;
    std::string begin;
    std::string end;
  };
  void Loop();

  rocksdb::DB& db_;
  std::atomic<bool> canceled_{false};  // read by RocksDB during a compaction
  std::atomic<uint64_t> done_{0};
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<Range> queue_;  // under mu_
  bool stopping_ = false;    // under mu_
  std::thread thread_;       // started last
};

}  // namespace clicktrack::storage_internal
