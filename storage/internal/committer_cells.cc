#include "storage/internal/committer_cells.h"

#include <cstdlib>
#include <string>

namespace clicktrack::storage_internal {
namespace {

uint32_t PackCurrency(absl::string_view code) {
  uint32_t packed = 0;
  for (size_t i = 0; i < 3 && i < code.size(); ++i) {
    packed = (packed << 8) | static_cast<unsigned char>(code[i]);
  }
  return packed;
}

std::string UnpackCurrency(uint32_t packed) {
  std::string code(3, ' ');
  for (size_t i = 3; i-- > 0;) {
    code[i] = static_cast<char>(packed & 0xff);
    packed >>= 8;
  }
  return code;
}

}  // namespace

void CommitterCells::ObserveWrite(uint64_t events, uint64_t micros) {
  batch_events_.Observe(Stats::kBatchBounds, events);
  write_micros_.Observe(Stats::kWriteBoundsMicros, micros);
}

size_t CommitterCells::CurrencySlot(absl::string_view currency) {
  const uint32_t packed = PackCurrency(currency);
  for (size_t slot = 0; slot + 1 < kCurrencySlots; ++slot) {
    const uint32_t held = currencies_[slot].load(std::memory_order_acquire);
    if (held == packed) {
      return slot;
    }
    if (held == 0) {
      currencies_[slot].store(packed, std::memory_order_release);  // this thread is the writer
      return slot;
    }
  }
  return kCurrencySlots - 1;
}

void CommitterCells::ObserveDecision(absl::string_view currency,
                                     const attribution::Decision& decision) {
  size_t kind = Stats::kKindSlots - 1;
  if (decision.conversion.has_value() && decision.result != attribution::Result::kReversed) {
    kind = static_cast<size_t>(decision.conversion->kind);
  }
  conversions_[static_cast<size_t>(decision.result)][kind].Add();
  if (decision.ledger.empty()) {
    return;
  }
  const size_t slot = CurrencySlot(currency);
  for (const attribution::LedgerEntry& entry : decision.ledger) {
    commission_[slot][static_cast<size_t>(entry.type)].Add(
        static_cast<uint64_t>(std::llabs(entry.commission_minor)));
  }
}

storage::CommitterStats CommitterCells::Snapshot(uint64_t queue_depth) const {
  Stats stats;
  stats.events = events_.value();
  stats.queue_depth = queue_depth;
  for (size_t i = 0; i < stats.batch_events.size(); ++i) {
    stats.batch_events[i] = batch_events_.buckets[i].value();
    stats.batches += stats.batch_events[i];
  }
  for (size_t i = 0; i < stats.write_micros.size(); ++i) {
    stats.write_micros[i] = write_micros_.buckets[i].value();
  }
  stats.write_micros_sum = write_micros_.sum.value();
  stats.batch_events_sum = batch_events_.sum.value();
  for (size_t result = 0; result < Stats::kResultSlots; ++result) {
    for (size_t kind = 0; kind < Stats::kKindSlots; ++kind) {
      stats.conversions[result][kind] = conversions_[result][kind].value();
    }
  }
  for (size_t slot = 0; slot < kCurrencySlots; ++slot) {
    const uint32_t packed = currencies_[slot].load(std::memory_order_acquire);
    const bool other = slot + 1 == kCurrencySlots;
    if (packed == 0 && !other) {
      continue;
    }
    for (size_t type = 0; type < kLedgerTypes; ++type) {
      const uint64_t minor = commission_[slot][type].value();
      if (minor != 0 || !other) {
        stats.commission.push_back({.currency = other ? "other" : UnpackCurrency(packed),
                                    .type = static_cast<attribution::LedgerType>(type),
                                    .minor = minor});
      }
    }
  }
  return stats;
}

}  // namespace clicktrack::storage_internal
