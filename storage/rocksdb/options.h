#pragma once

// How the store tunes RocksDB: the database options and one descriptor per column family.
// The reasons for each figure are in options.cc and docs/performance.md.

#include <string>
#include <vector>

#include "rocksdb/db.h"
#include "rocksdb/options.h"

namespace clicktrack::storage_internal {

// The database's options for the store at `path` (its info log goes there too).
rocksdb::Options DatabaseOptions(const std::string& path);

// The column families of storage_internal::Family, in order, with a block cache of
// `block_cache_bytes` shared by all of them.
std::vector<rocksdb::ColumnFamilyDescriptor> FamilyDescriptors(size_t block_cache_bytes);

}  // namespace clicktrack::storage_internal
