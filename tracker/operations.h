#pragma once

// trackerd's operator commands and hooks: restoring a backup, checking the backup directory,
// re-reading settings on SIGHUP, and the daemon's own figures for /metrics.

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

#include "tracker/common/metrics.h"
#include "tracker/config.h"

namespace clicktrack::tracker {

// `trackerd --restore-from DIR [--backup-id N] --data NEWDIR`: prints what it did or why it
// could not, and returns the exit status (0, or 1 with the data directory untouched).
int RunRestore(const Config& config);

// Creates `dir` if missing and proves it writable with a probe file; the error names it.
absl::Status CheckBackupDir(const std::string& dir);

// What SIGHUP runs: parses `args` (argv) again with the process's environment overlaid by
// the variables of config.env_file, then applies the log level and the access log; other
// settings need a restart, and a bad file changes nothing. Logs what it did either way.
// Without an env file: a no-op (SIGHUP only flushes the log).
std::function<void()> ReloadSettings(std::vector<std::string> args, const Config& config);

// clicktrack_build_info, and the data directory's file system (size and free bytes).
void WriteDaemonMetrics(MetricsText& out, absl::string_view version, absl::string_view commit,
                        const std::string& data_dir);

}  // namespace clicktrack::tracker
