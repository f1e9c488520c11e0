#pragma once

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace clicktrack::tracker {

// The only source of wall-clock time for the tracker; attribution/ and storage/ take times
// as arguments. Thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

class RealClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

}  // namespace clicktrack::tracker
