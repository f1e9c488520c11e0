#pragma once

#include <mutex>

#include "absl/time/time.h"

#include "tracker/common/clock.h"

namespace clicktrack::testing {

// A clock that moves only when told to. Thread-safe.
class FakeClock final : public tracker::Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override {
    std::lock_guard lock(mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    std::lock_guard lock(mu_);
    now_ += d;
  }

 private:
  mutable std::mutex mu_;  // std, not absl: ThreadSanitizer sees it
  absl::Time now_;
};

}  // namespace clicktrack::testing
