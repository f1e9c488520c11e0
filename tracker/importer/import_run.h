#pragma once

// One import (SPEC §6) from start to end, on the caller's thread: the lines of a file checked
// one by one (a bad line is rejected alone, with its number), then applied in time order
// through the store's click log and the committer, as the engine would have seen them live.
// Memory grows with the number of lines (24 bytes each), never with their size.

#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

#include "storage/store.h"
#include "tracker/common/clock.h"

namespace clicktrack::tracker {

// Rejected lines listed in an answer, the first ones by line number; the rest are counted.
inline constexpr size_t kMaxListedRejections = 1000;

struct ImportReport {
  int64_t lines = 0;     // non-blank lines read
  int64_t accepted = 0;  // applied, or already there (a repeat of an earlier import)
  int64_t rejected = 0;
  std::vector<std::pair<int64_t, std::string>> rejections;  // (line from 1, why), by line
};

struct ImportStores {
  storage::ConfigStore& config;
  storage::ClickLog& clicks;
  storage::ConversionCommitter& committer;
  const Clock& clock;
};

// Imports the file open as `fd` (read with pread from offset 0 to its end) into the program.
// Stops early with kUnavailable once `stop` is set (what was applied stays; importing the file
// again completes it). kNotFound for an unknown program; kInternal when the file or the store
// fails.
absl::StatusOr<ImportReport> RunImport(const ImportStores& stores, absl::string_view program_id,
                                       int fd, const std::atomic<bool>& stop);

}  // namespace clicktrack::tracker
