#include "storage/internal/write_recovery.h"

namespace clicktrack::storage_internal {

WriteRecovery::WriteRecovery(rocksdb::DB& db, std::atomic<bool>& failed, absl::Duration period)
    : db_(db), failed_(failed), period_(period), thread_([this] { Loop(); }) {}

WriteRecovery::~WriteRecovery() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void WriteRecovery::OnWriteFailed() {
  absl::MutexLock lock(&mu_);
  wake_ = true;
}

void WriteRecovery::Loop() {
  absl::MutexLock lock(&mu_);
  for (;;) {
    mu_.Await(absl::Condition(
        +[](WriteRecovery* self)
             ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) { return self->wake_ || self->stopping_; },
        this));
    wake_ = false;
    // Retry until a Resume succeeds (space came back) or the store stops.
    while (!stopping_ && failed_.load()) {
      const auto stop = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
      if (mu_.AwaitWithTimeout(absl::Condition(&stop), period_)) {
        break;
      }
      mu_.Unlock();
      const bool resumed = db_.Resume().ok();
      mu_.Lock();
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
