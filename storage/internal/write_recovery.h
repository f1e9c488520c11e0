#pragma once

// Brings a store whose writes failed (a full disk, an I/O error) back by itself. RocksDB
// stops writing after such an error and, for an error in the write-ahead log, waits for
// DB::Resume(); this calls it once per period until it succeeds, then clears the flag that
// /readyz reads.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "rocksdb/db.h"

namespace clicktrack::storage_internal {

class WriteRecovery {
 public:
  // `failed` is set by the store on every failed write, and cleared on every good one.
  WriteRecovery(rocksdb::DB& db, std::atomic<bool>& failed, std::chrono::milliseconds period);
  ~WriteRecovery();
  WriteRecovery(const WriteRecovery&) = delete;
  WriteRecovery& operator=(const WriteRecovery&) = delete;

  // Wakes the recovery after a failed write.
  void OnWriteFailed();

 private:
  void Loop();

  rocksdb::DB& db_;
  std::atomic<bool>& failed_;
  const std::chrono::milliseconds period_;
  std::mutex mu_;  // standard, not absl::Mutex: visible to ThreadSanitizer
  std::condition_variable changed_;
  bool wake_ = false;      // under mu_
  bool stopping_ = false;  // under mu_
  std::thread thread_;
};

}  // namespace clicktrack::storage_internal
