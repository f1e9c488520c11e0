#include "tracker/outbox/worker.h"

#include <string>
#include <vector>

#include "tracker/common/log.h"
#include "tracker/common/metrics.h"

namespace clicktrack::tracker {
namespace {

DeliveryOutcome OutcomeOf(attribution::DeliveryState state) {
  switch (state) {
    case attribution::DeliveryState::kDelivered:
      return DeliveryOutcome::kDelivered;
    case attribution::DeliveryState::kFailed:
      return DeliveryOutcome::kFailed;
    case attribution::DeliveryState::kPending:
      break;
  }
  return DeliveryOutcome::kRetrying;
}

// The log line of a failed attempt: never the URL, which may carry the partner's token.
void LogFailure(const attribution::Delivery& delivery) {
  Log(delivery.state == attribution::DeliveryState::kFailed ? LogLevel::kWarn : LogLevel::kInfo,
      delivery.state == attribution::DeliveryState::kFailed ? "postback delivery failed for good"
                                                            : "postback attempt failed",
      {{"delivery_id", JsonText(delivery.id.ToString())},
       {"program", JsonText(delivery.program_id)},
       {"partner", JsonText(delivery.partner_id)},
       {"attempts", delivery.attempts},
       {"status", delivery.last_status},
       {"error", JsonText(delivery.last_error)}});
}

}  // namespace

OutboxWorker::OutboxWorker(storage::Outbox& outbox, const Clock& clock, OutboxWorkerOptions options)
    : outbox_(outbox), clock_(clock), options_(std::move(options)) {}

OutboxWorker::~OutboxWorker() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void OutboxWorker::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void OutboxWorker::Loop() {
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) {
        return;
      }
    }
    if (SendDue() == 0) {
      Sleep();
    }
  }
}

size_t OutboxWorker::SendDue() {
  absl::StatusOr<std::vector<attribution::Delivery>> due =
      outbox_.DueDeliveries(clock_.Now(), options_.batch);
  if (!due.ok()) {
    Log(LogLevel::kError, "cannot read the outbox", {{"error", JsonText(due.status().message())}});
    return 0;
  }
  if (due->empty()) {
    return 0;
  }
  std::vector<OutgoingGet> requests;
  for (const attribution::Delivery& delivery : *due) {
    requests.push_back(OutgoingGet{.url = delivery.url,
                                   .headers = {{"X-Clicktrack-Delivery", delivery.id.ToString()}}});
  }
  const std::vector<OutgoingResult> results = SendAll(requests, options_.outgoing);
  const absl::Time now = clock_.Now();
  for (size_t i = 0; i < due->size(); ++i) {
    attribution::Delivery& delivery = (*due)[i];
    const absl::Time was_due = delivery.next_attempt_at;
    if (results[i].refused) {
      attribution::RecordRefusal(delivery, results[i].error);
    } else {
      attribution::RecordAttempt(delivery, now, results[i].status, results[i].error);
    }
    LocalMetrics().deliveries[static_cast<size_t>(OutcomeOf(delivery.state))].Add();
    if (delivery.state != attribution::DeliveryState::kDelivered) {
      LogFailure(delivery);
    }
    if (absl::Status stored = outbox_.RecordAttempt(delivery, was_due); !stored.ok()) {
      Log(LogLevel::kError, "cannot record a postback attempt",
          {{"delivery_id", JsonText(delivery.id.ToString())},
           {"error", JsonText(stored.message())}});
    }
  }
  return due->size();
}

void OutboxWorker::Sleep() {
  absl::Duration wait = options_.poll;
  if (absl::StatusOr<std::optional<absl::Time>> next = outbox_.NextDue();
      next.ok() && next->has_value()) {
    wait = std::max(absl::ZeroDuration(), std::min(wait, **next - clock_.Now()));
  }
  std::unique_lock lock(mu_);
  wake_.wait_for(lock, absl::ToChronoMicroseconds(wait), [this] { return stopping_; });
}

}  // namespace clicktrack::tracker
