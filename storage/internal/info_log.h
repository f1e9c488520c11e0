#pragma once

// RocksDB's own diagnostic log (LOG in the data directory), written with plain appends.
// RocksDB's default logger writes through a WritableFileWriter that, once an append failed
// on a full disk, aborts the process on its next line (an assert(false) compiled into
// Debian's librocksdb 7.8). This one loses the lines the disk has no room for, and that is all.

#include <memory>
#include <string>

#include "rocksdb/env.h"

namespace clicktrack::storage_internal {

// Opens `<dir>/LOG` for appending (creating `dir` if needed). An existing LOG is kept as
// LOG.old.<unix micros>, and only the newest `keep_old` of those are kept. nullptr if the
// file cannot be created.
std::shared_ptr<rocksdb::Logger> OpenInfoLog(const std::string& dir, size_t keep_old);

}  // namespace clicktrack::storage_internal
