#include "storage/internal/newest_first.h"

#include <memory>
#include <string>

#include "absl/strings/match.h"

#include "storage/internal/rocks_status.h"

namespace clicktrack::storage_internal {

absl::Status VisitNewestFirst(
    rocksdb::DB& db, rocksdb::ColumnFamilyHandle* family, absl::string_view prefix,
    std::optional<attribution::Ulid> before,
    absl::FunctionRef<bool(const attribution::Ulid&, absl::string_view)> visit) {
  const attribution::Ulid start_id =
      before.value_or(attribution::Ulid{.hi = ~uint64_t{0}, .lo = ~uint64_t{0}});
  const auto bytes = start_id.Binary();
  std::string start(prefix);
  start.append(bytes.data(), bytes.size());
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions(), family));
  it->SeekForPrev(ToSlice(start));
  if (before.has_value() && it->Valid() && ToView(it->key()) == start) {
    it->Prev();  // the cursor's own record was on the previous page
  }
  for (; it->Valid(); it->Prev()) {
    const absl::string_view key = ToView(it->key());
    if (!absl::StartsWith(key, prefix)) {
      break;
    }
    const std::optional<attribution::Ulid> id =
        attribution::Ulid::FromBinary(key.substr(prefix.size()));
    if (id.has_value() && !visit(*id, ToView(it->value()))) {
      break;
    }
  }
  return FromRocksStatus(it->status());
}

}  // namespace clicktrack::storage_internal
