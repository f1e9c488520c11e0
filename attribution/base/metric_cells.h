#pragma once

// Counters and histograms with one writer thread and any number of readers: the writer adds
// with a relaxed load and store (plain moves on x86, never a locked instruction), a reader sees
// each cell's latest value. Each thread that counts owns its cells; a scrape sums them.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace clicktrack::base {

class OwnedCounter {
 public:
  // Only the owning thread may call this.
  void Add(uint64_t n = 1) {
    value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  // Any thread.
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A histogram over `N` upper bounds (ascending, inclusive) plus +Inf, in integer units of the
// observed value (microseconds, events). Bounds live with the caller, shared by every thread's
// cells.
template <size_t N>
struct HistogramCells {
  std::array<OwnedCounter, N + 1> buckets;  // not cumulative; the last is +Inf
  OwnedCounter sum;

  void Observe(const std::array<uint64_t, N>& bounds, uint64_t value) {
    size_t bucket = 0;
    while (bucket < N && value > bounds[bucket]) {
      ++bucket;
    }
    buckets[bucket].Add();
    sum.Add(value);
  }
};

}  // namespace clicktrack::base
