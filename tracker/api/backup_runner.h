#pragma once

// Backups (POST /api/v1/admin/backups) run one at a time on a thread of their own, so that no
// event loop waits for the copy.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

#include "storage/store.h"

namespace clicktrack::tracker {

class BackupRunner {
 public:
  using Done = absl::AnyInvocable<void(absl::StatusOr<storage::BackupInfo>) &&>;

  BackupRunner(storage::Maintenance& maintenance, std::string dir);
  // Waits for a backup in progress.
  ~BackupRunner();
  BackupRunner(const BackupRunner&) = delete;
  BackupRunner& operator=(const BackupRunner&) = delete;

  // Starts a backup keeping the newest `keep` (0: all); `done` runs on the backup's thread
  // with its outcome. kFailedPrecondition, without calling `done`, while one is running.
  absl::Status Start(uint32_t keep, Done done);
  absl::StatusOr<std::vector<storage::BackupInfo>> List() const;
  const std::string& dir() const { return dir_; }

 private:
  storage::Maintenance& maintenance_;
  const std::string dir_;
  std::mutex mu_;
  std::thread thread_;  // under mu_; the last backup's, joined before the next starts
  std::atomic<bool> running_{false};
};

}  // namespace clicktrack::tracker
