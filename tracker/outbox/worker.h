#pragma once

// SPEC §4.7: the worker that sends the outbox's deliveries, off the request path. One thread:
// it takes the deliveries that are due, sends them all at once (http/outgoing.h), records each
// attempt, and sleeps until the next one is due (looking again every poll interval, since the
// committer adds deliveries at any time).

#include <condition_variable>
#include <mutex>
#include <thread>

#include "storage/store.h"
#include "tracker/common/clock.h"
#include "tracker/http/outgoing.h"

namespace clicktrack::tracker {

struct OutboxWorkerOptions {
  OutgoingOptions outgoing;
  size_t batch = 64;  // deliveries sent at once
  absl::Duration poll = absl::Milliseconds(200);
};

class OutboxWorker {
 public:
  OutboxWorker(storage::Outbox& outbox, const Clock& clock, OutboxWorkerOptions options);
  // Stops, after the batch in flight.
  ~OutboxWorker();
  OutboxWorker(const OutboxWorker&) = delete;
  OutboxWorker& operator=(const OutboxWorker&) = delete;

  void Start();

 private:
  void Loop();
  // Sends what is due now; returns how many it sent.
  size_t SendDue();
  // Waits until the next delivery is due, the poll interval passed, or stopping.
  void Sleep();

  storage::Outbox& outbox_;
  const Clock& clock_;
  const OutboxWorkerOptions options_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // under mu_
  std::thread thread_;
};

}  // namespace clicktrack::tracker
