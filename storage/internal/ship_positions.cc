#include "storage/internal/ship_positions.h"

namespace clicktrack::storage_internal {

uint64_t ShipPositions::BeginWrite(uint64_t count) {
  const std::lock_guard<std::mutex> lock(mu_);
  const uint64_t first = next_;
  next_ += count;
  under_way_.insert(first);
  return first;
}

void ShipPositions::EndWrite(uint64_t first) {
  const std::lock_guard<std::mutex> lock(mu_);
  under_way_.erase(first);
}

uint64_t ShipPositions::SettledBefore() const {
  const std::lock_guard<std::mutex> lock(mu_);
  return under_way_.empty() ? next_ : *under_way_.begin();
}

}  // namespace clicktrack::storage_internal
