#pragma once

#include "absl/status/status.h"
#include "rocksdb/status.h"

namespace clicktrack::storage_internal {

// The one place where a RocksDB status becomes an absl::Status.
absl::Status FromRocksStatus(const rocksdb::Status& status);

}  // namespace clicktrack::storage_internal
