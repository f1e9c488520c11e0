#pragma once

// The positions of an edge node's ship log (docs/scale-out.md): each click write takes a run
// of consecutive positions before it is written, and the shipper reads only below every run
// still being written. Writes of several event loops finish out of order; without this bound
// the shipper could pass an entry that appears later below what it already shipped.

#include <cstdint>
#include <mutex>
#include <set>

namespace clicktrack::storage_internal {

class ShipPositions {
 public:
  // Positions from `next` on are free (the one after the last entry stored).
  explicit ShipPositions(uint64_t next) : next_(next) {}

  // Takes `count` positions for a write about to start; returns the first.
  uint64_t BeginWrite(uint64_t count);
  // The write that took the run from `first` ended, stored or failed (a failed write leaves
  // a gap that nothing will fill).
  void EndWrite(uint64_t first);
  // Every entry below this position that will ever exist is stored.
  uint64_t SettledBefore() const;

 private:
  mutable std::mutex mu_;
  uint64_t next_;
  std::set<uint64_t> under_way_;  // first positions of the writes under way
};

}  // namespace clicktrack::storage_internal
