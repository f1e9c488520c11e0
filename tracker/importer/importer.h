#pragma once

// The background thread that runs imports (SPEC §6), one at a time, in the order they came:
// an import may take minutes and must not hold an event loop.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "absl/functional/any_invocable.h"

#include "tracker/importer/import_run.h"

namespace clicktrack::tracker {

using ImportDone = absl::AnyInvocable<void(absl::StatusOr<ImportReport>) &&>;

class Importer {
 public:
  explicit Importer(ImportStores stores);
  // Cuts the import in progress short and answers every queued one kUnavailable.
  ~Importer();
  Importer(const Importer&) = delete;
  Importer& operator=(const Importer&) = delete;

  void Start();

  // Queues the import of the file open as `fd` (owned: closed when done) into the program;
  // `done` gets its report, on the importer's thread.
  void Submit(std::string program_id, int fd, ImportDone done);

 private:
  struct Job {
    std::string program_id;
    int fd = -1;
    ImportDone done;
  };

  void Loop();

  const ImportStores stores_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;  // under mu_
  std::thread thread_;
};

}  // namespace clicktrack::tracker
