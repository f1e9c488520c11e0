#pragma once

// The committer's memory of records that only it writes: customers, partners' totals, and the
// identities naming customers (references, e-mails, aliases). A repeat sale reads four of
// them; each read from RocksDB walks a memtable's skip list, which the cache answers from a
// hash map. Values and absences are both remembered. Used only on the committer's thread.

#include <cstddef>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "rocksdb/utilities/write_batch_with_index.h"

#include "storage/internal/families.h"

namespace clicktrack::storage_internal {

class RecordCache {
 public:
  // Holds at most `capacity` keys of each family: past that it starts that family again empty.
  explicit RecordCache(size_t capacity) : capacity_(capacity) {}

  // The families it keeps; every other method takes only these.
  static bool Keeps(Family family) { return family == kCustomers || family == kIdentities; }

  // What the store holds under `key` of `family`: a value, nullopt (absent), or nullptr
  // when the cache does not know.
  const std::optional<std::string>* Find(Family family, absl::string_view key) const;

  // What a read of the store found (a value or nullopt).
  void Remember(Family family, absl::string_view key, std::optional<std::string> value);

  // A write of `family` about to be committed: a known key takes its new value (nullopt for a
  // deletion). If the write then fails, Forget() must be called before the next Find.
  void Update(Family family, absl::string_view key, std::optional<absl::string_view> value);

  void Forget();

 private:
  using Records = absl::flat_hash_map<std::string, std::optional<std::string>>;
  // Keyed by the family's own keys, looked up by string_view without a copy.
  Records& Of(Family family) { return family == kCustomers ? customers_ : identities_; }
  const Records& Of(Family family) const { return family == kCustomers ? customers_ : identities_; }

  size_t capacity_;
  Records customers_;
  Records identities_;
};

}  // namespace clicktrack::storage_internal
