#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rocksdb/slice.h"
#include "rocksdb/status.h"

namespace clicktrack::storage_internal {

// The one place where a RocksDB status becomes an absl::Status.
absl::Status FromRocksStatus(const rocksdb::Status& status);

// Views between absl and RocksDB; neither copies.
inline rocksdb::Slice ToSlice(absl::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
inline absl::string_view ToView(const rocksdb::Slice& s) {
  return absl::string_view(s.data(), s.size());
}

}  // namespace clicktrack::storage_internal
