#include "tracker/importer/importer.h"

#include <unistd.h>

#include <utility>

namespace clicktrack::tracker {

Importer::Importer(ImportStores stores) : stores_(stores) {}

Importer::~Importer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
  for (Job& job : jobs_) {
    close(job.fd);
    std::move(job.done)(absl::UnavailableError("the server is stopping: import not started"));
  }
}

void Importer::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void Importer::Submit(std::string program_id, int fd, ImportDone done) {
  {
    std::lock_guard lock(mu_);
    jobs_.push_back(Job{std::move(program_id), fd, std::move(done)});
  }
  wake_.notify_one();
}

void Importer::Loop() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) {
        return;
      }
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    absl::StatusOr<ImportReport> report = RunImport(stores_, job.program_id, job.fd, stopping_);
    close(job.fd);
    std::move(job.done)(std::move(report));
  }
}

}  // namespace clicktrack::tracker
