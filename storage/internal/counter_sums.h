#pragma once

// Stats counter deltas summed per key over one write batch, so that a batch adds one merge
// operand per key instead of one per event: a burst of 64 conversions for one partner and day
// costs two memtable entries, not 128, and reports merge fewer operands later.

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "rocksdb/db.h"

#include "storage/internal/rocks_status.h"
#include "storage/key_codec.h"

namespace clicktrack::storage_internal {

class CounterSums {
 public:
  void Add(absl::string_view key, int64_t delta) {
    if (const auto it = sums_.find(key); it != sums_.end()) {
      it->second += delta;
    } else {
      sums_.emplace(key, delta);
    }
  }

  void AddAll(const CounterSums& other) {
    for (const auto& [key, sum] : other.sums_) {
      Add(key, sum);
    }
  }

  // Adds one merge operand per key whose sum is not zero. `Batch` is a rocksdb::WriteBatch
  // or WriteBatchWithIndex.
  template <typename Batch>
  void MergeInto(Batch& batch, rocksdb::ColumnFamilyHandle* stats) const {
    for (const auto& [key, sum] : sums_) {
      if (sum != 0) {
        const auto bytes = storage::EncodeCounter(sum);
        batch.Merge(stats, ToSlice(key), rocksdb::Slice(bytes.data(), bytes.size()));
      }
    }
  }

 private:
  absl::flat_hash_map<std::string, int64_t> sums_;
};

}  // namespace clicktrack::storage_internal
