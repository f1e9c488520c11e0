#pragma once

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

#include "tracker/clock.h"

namespace clicktrack::testing {

// A clock that moves only when told to. Thread-safe.
class FakeClock final : public tracker::Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_;
};

}  // namespace clicktrack::testing
