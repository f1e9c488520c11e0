#include "storage/internal/record_cache.h"

#include <utility>

namespace clicktrack::storage_internal {

const std::optional<std::string>* RecordCache::Find(Family family, absl::string_view key) const {
  const Records& records = Of(family);
  const auto it = records.find(key);
  return it == records.end() ? nullptr : &it->second;
}

void RecordCache::Remember(Family family, absl::string_view key, std::optional<std::string> value) {
  Records& records = Of(family);
  if (records.size() >= capacity_) {
    records.clear();  // cheaper than tracking recency; the busy keys come back at once
  }
  records.insert_or_assign(std::string(key), std::move(value));
}

void RecordCache::Update(Family family, absl::string_view key,
                         std::optional<absl::string_view> value) {
  Records& records = Of(family);
  if (const auto it = records.find(key); it != records.end()) {
    if (value.has_value()) {
      it->second.emplace(value->data(), value->size());  // only a known key is copied
    } else {
      it->second.reset();
    }
  }
}

void RecordCache::Forget() {
  customers_.clear();
  identities_.clear();
}

}  // namespace clicktrack::storage_internal
