#include "tracker/api/backup_runner.h"

#include <unistd.h>

#include <utility>

#include "tracker/common/log.h"

#include <sys/resource.h>

namespace clicktrack::tracker {
namespace {

// The lowest CPU weight a normal thread can have (nice 19: about 1.5 % of a core that is busy
// with normal work).
constexpr int kBackupNice = 19;

}  // namespace

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
    // The copy yields the core to the event loops, but not all of it: under SCHED_IDLE another
    // busy process could starve a backup for good. The engine's copier threads inherit this.
    (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kBackupNice);
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
