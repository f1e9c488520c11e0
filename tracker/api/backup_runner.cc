#include "tracker/api/backup_runner.h"

#include <pthread.h>
#include <sched.h>

#include <utility>

#include "tracker/common/log.h"

namespace clicktrack::tracker {

BackupRunner::BackupRunner(storage::Maintenance& maintenance, std::string dir)
    : maintenance_(maintenance), dir_(std::move(dir)) {}

BackupRunner::~BackupRunner() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) {
    thread_.join();
  }
}

absl::Status BackupRunner::Start(uint32_t keep, Done done) {
  std::lock_guard lock(mu_);
  if (running_.exchange(true)) {
    return absl::FailedPreconditionError("a backup is running; try again when it has finished");
  }
  if (thread_.joinable()) {
    thread_.join();  // finished: running_ was false
  }
  thread_ = std::thread([this, keep, done = std::move(done)]() mutable {
    // The copy takes the CPU the event loops leave, as RocksDB's compactions do; the engine's
    // copier threads inherit the policy.
    const sched_param idle{};
    (void)pthread_setschedparam(pthread_self(), SCHED_IDLE, &idle);
    const absl::Time started = absl::Now();
    absl::StatusOr<storage::BackupInfo> made = maintenance_.CreateBackup(dir_, keep);
    if (made.ok()) {
      Log(LogLevel::kInfo, "backup made",
          {{"backup_id", made->id},
           {"backup_dir", JsonText(dir_)},
           {"size_bytes", made->size_bytes},
           {"seconds", absl::ToDoubleSeconds(absl::Now() - started)}});
    } else {
      Log(LogLevel::kError, "backup failed",
          {{"backup_dir", JsonText(dir_)}, {"error", JsonText(made.status().message())}});
    }
    running_.store(false);
    std::move(done)(std::move(made));
  });
  return absl::OkStatus();
}

absl::StatusOr<std::vector<storage::BackupInfo>> BackupRunner::List() const {
  return maintenance_.ListBackups(dir_);
}

}  // namespace clicktrack::tracker
