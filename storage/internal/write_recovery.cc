#include "storage/internal/write_recovery.h"

namespace clicktrack::storage_internal {

WriteRecovery::WriteRecovery(rocksdb::DB& db, std::atomic<bool>& failed,
                             std::chrono::milliseconds period)
    : db_(db), failed_(failed), period_(period), thread_([this] { Loop(); }) {}

WriteRecovery::~WriteRecovery() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  changed_.notify_one();
  thread_.join();
}

void WriteRecovery::OnWriteFailed() {
  {
    std::lock_guard lock(mu_);
    wake_ = true;
  }
  changed_.notify_one();
}

void WriteRecovery::Loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    changed_.wait(lock, [this] { return wake_ || stopping_; });
    wake_ = false;
    // Retry until a Resume succeeds (space came back) or the store stops.
    while (!stopping_ && failed_.load()) {
      if (changed_.wait_for(lock, period_, [this] { return stopping_; })) {
        break;
      }
      lock.unlock();
      const bool resumed = db_.Resume().ok();
      lock.lock();
      if (resumed) {
        failed_.store(false);
      }
    }
    if (stopping_) {
      return;
    }
  }
}

}  // namespace clicktrack::storage_internal
