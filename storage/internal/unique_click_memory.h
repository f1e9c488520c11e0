#pragma once

// What the click log knows of returning customers' unique clicks, so that a returning
// visitor's click need not look up its customer's clicks in the store (a point read of the
// click that minted the customer and an iterator over its index: about 8 % of such a
// redirect). For a (customer, link) it keeps since when every unique click is known, and the
// latest. Not thread-safe: each stripe of customers has its own, under the stripe's lock.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

#include "attribution/ids.h"

namespace clicktrack::storage_internal {

class UniqueClickMemory {
 public:
  // Remembers at most `capacity` customers: past that it starts again empty.
  static constexpr size_t kDefaultCapacity = 1024;
  explicit UniqueClickMemory(size_t capacity = kDefaultCapacity) : capacity_(capacity) {}

  // Whether `customer` had a unique click on `link` within [time - period, time], or nullopt
  // when this memory cannot tell (it does not know back to time - period).
  std::optional<bool> HadUniqueClick(const attribution::Ulid& customer, absl::string_view link,
                                     absl::Time time, absl::Duration period) const;

  // The store's answer for the window from `from` on: the time of the unique click found
  // there, or nullopt for none.
  void Learn(const attribution::Ulid& customer, absl::string_view link, absl::Time from,
             std::optional<absl::Time> found);

  // A unique click was stored: known (customer, link) pairs take it as their latest.
  void Stored(const attribution::Ulid& customer, absl::string_view link, absl::Time time);

  // Clicks were written past this memory (an import): it knows nothing any more.
  void Forget() { customers_.clear(); }

 private:
  struct Known {
    std::string link;
    absl::Time since;                  // every unique click from here on is known...
    std::optional<absl::Time> latest;  // ...and this is the latest of them
  };
  using CustomerKey = std::pair<uint64_t, uint64_t>;

  size_t capacity_;
  absl::flat_hash_map<CustomerKey, absl::InlinedVector<Known, 1>> customers_;
};

}  // namespace clicktrack::storage_internal
