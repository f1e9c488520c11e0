#include "storage/internal/unique_click_memory.h"

#include <algorithm>

namespace clicktrack::storage_internal {

std::optional<bool> UniqueClickMemory::HadUniqueClick(const attribution::Ulid& customer,
                                                      absl::string_view link, absl::Time time,
                                                      absl::Duration period) const {
  const auto it = customers_.find(CustomerKey(customer.hi, customer.lo));
  if (it == customers_.end()) {
    return std::nullopt;
  }
  for (const Known& known : it->second) {
    if (known.link != link) {
      continue;
    }
    const absl::Time from = time - period;
    if (known.since > from || (known.latest.has_value() && *known.latest > time)) {
      return std::nullopt;  // not known back that far, or a click from after this one
    }
    return known.latest.has_value() && *known.latest >= from;
  }
  return std::nullopt;
}

void UniqueClickMemory::Learn(const attribution::Ulid& customer, absl::string_view link,
                              absl::Time from, std::optional<absl::Time> found) {
  if (customers_.size() >= capacity_) {
    customers_.clear();  // cheaper than tracking recency; the busy customers come back at once
  }
  auto& links = customers_[CustomerKey(customer.hi, customer.lo)];
  for (Known& known : links) {
    if (known.link == link) {
      known.since = from;
      known.latest = found;
      return;
    }
  }
  links.push_back(Known{.link = std::string(link), .since = from, .latest = found});
}

void UniqueClickMemory::Stored(const attribution::Ulid& customer, absl::string_view link,
                               absl::Time time) {
  const auto it = customers_.find(CustomerKey(customer.hi, customer.lo));
  if (it == customers_.end()) {
    return;
  }
  for (Known& known : it->second) {
    if (known.link == link) {
      known.latest = known.latest.has_value() ? std::max(*known.latest, time) : time;
    }
  }
}

}  // namespace clicktrack::storage_internal
