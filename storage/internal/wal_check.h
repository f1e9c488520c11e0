#pragma once

// Finds where a RocksDB write-ahead log is damaged, for the error that refuses to open it:
// RocksDB says only "checksum mismatch", and an operator needs the file and the offset.

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace clicktrack::storage_internal {

// "<dir>/000004.log at byte 3000: checksum mismatch" for the first damaged record of the
// directory's WAL files (oldest first), or nullopt if every record reads back intact.
// Reads the documented log format: 32 KiB blocks of records with a 7-byte header (masked
// CRC32C, length, type), or 11 bytes for recycled logs.
std::optional<std::string> FindWalDamage(absl::string_view dir);

}  // namespace clicktrack::storage_internal
