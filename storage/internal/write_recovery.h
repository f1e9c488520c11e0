#pragma once

// Brings a store whose writes failed (a full disk, an I/O error) back by itself. RocksDB
// stops writing after such an error and, for an error in the write-ahead log, waits for
// DB::Resume(); this calls it once per period until it succeeds, then clears the flag that
// /readyz reads.

#include <atomic>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "rocksdb/db.h"

namespace clicktrack::storage_internal {

class WriteRecovery {
 public:
  // `failed` is set by the store on every failed write, and cleared on every good one.
  WriteRecovery(rocksdb::DB& db, std::atomic<bool>& failed, absl::Duration period);
  ~WriteRecovery();
  WriteRecovery(const WriteRecovery&) = delete;
  WriteRecovery& operator=(const WriteRecovery&) = delete;

  // Wakes the recovery after a failed write.
  void OnWriteFailed();

 private:
  void Loop();

  rocksdb::DB& db_;
  std::atomic<bool>& failed_;
  const absl::Duration period_;
  absl::Mutex mu_;
  bool wake_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace clicktrack::storage_internal
