#pragma once

// The committer's figures as cells written by the committer thread alone and read by a scrape
// from any thread (attribution/base/metric_cells.h).

#include <array>
#include <atomic>
#include <cstdint>

#include "absl/strings/string_view.h"

#include "attribution/base/metric_cells.h"
#include "attribution/engine.h"
#include "storage/store.h"

namespace clicktrack::storage_internal {

class CommitterCells {
 public:
  // Committer thread only.
  void ObserveWrite(uint64_t events, uint64_t micros);
  void ObserveEvents(uint64_t events) { events_.Add(events); }
  void ObserveDecision(absl::string_view currency, const attribution::Decision& decision);

  // Any thread; `queue_depth` is the caller's.
  storage::CommitterStats Snapshot(uint64_t queue_depth) const;

 private:
  using Stats = storage::CommitterStats;
  // Currencies are kept apart up to this many; later ones count as "other".
  static constexpr size_t kCurrencySlots = 8;
  static constexpr size_t kLedgerTypes = 3;

  // The slot of `currency`, claiming a free one for a new code.
  size_t CurrencySlot(absl::string_view currency);

  base::OwnedCounter events_;
  base::HistogramCells<Stats::kBatchBounds.size()> batch_events_;
  base::HistogramCells<Stats::kWriteBoundsMicros.size()> write_micros_;
  std::array<std::array<base::OwnedCounter, Stats::kKindSlots>, Stats::kResultSlots> conversions_;
  // Three ASCII letters packed; 0: free. The last slot is "other".
  std::array<std::atomic<uint32_t>, kCurrencySlots> currencies_{};
  // Absolute amounts in minor units, by currency slot and attribution::LedgerType.
  std::array<std::array<base::OwnedCounter, kLedgerTypes>, kCurrencySlots> commission_;
};

}  // namespace clicktrack::storage_internal
