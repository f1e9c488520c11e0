#include "storage/testing/in_memory_outbox.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace clicktrack::storage {

using attribution::Delivery;
using attribution::DeliveryState;

void InMemoryOutbox::Add(const Delivery& delivery) {
  std::lock_guard lock(mu_);
  deliveries_[delivery.id] = delivery;
}

absl::StatusOr<std::vector<Delivery>> InMemoryOutbox::DueDeliveries(absl::Time now, size_t limit) {
  std::lock_guard lock(mu_);
  std::vector<Delivery> due;
  for (const auto& [id, delivery] : deliveries_) {
    if (delivery.state == DeliveryState::kPending && delivery.next_attempt_at <= now) {
      due.push_back(delivery);
    }
  }
  std::sort(due.begin(), due.end(), [](const Delivery& a, const Delivery& b) {
    return std::tie(a.next_attempt_at, a.id) < std::tie(b.next_attempt_at, b.id);
  });
  due.resize(std::min(due.size(), limit));
  return due;
}

absl::StatusOr<std::optional<absl::Time>> InMemoryOutbox::NextDue() {
  std::lock_guard lock(mu_);
  std::optional<absl::Time> next;
  for (const auto& [id, delivery] : deliveries_) {
    if (delivery.state == DeliveryState::kPending &&
        (!next.has_value() || delivery.next_attempt_at < *next)) {
      next = delivery.next_attempt_at;
    }
  }
  return next;
}

absl::StatusOr<Outbox::QueueStats> InMemoryOutbox::ReadQueueStats(uint64_t most) {
  std::lock_guard lock(mu_);
  QueueStats stats;
  for (const auto& [id, delivery] : deliveries_) {
    if (delivery.state == DeliveryState::kPending && stats.pending < most) {
      ++stats.pending;
      stats.oldest_created =
          std::min(stats.oldest_created.value_or(delivery.created_at), delivery.created_at);
    }
  }
  return stats;
}

absl::Status InMemoryOutbox::RecordAttempt(const Delivery& delivery, absl::Time) {
  std::lock_guard lock(mu_);
  deliveries_[delivery.id] = delivery;
  return absl::OkStatus();
}

absl::StatusOr<DeliveryPage> InMemoryOutbox::ListDeliveries(absl::string_view program_id,
                                                            absl::string_view partner_id,
                                                            std::optional<attribution::Ulid> before,
                                                            size_t limit) const {
  std::lock_guard lock(mu_);
  DeliveryPage page;
  for (auto it = deliveries_.rbegin(); it != deliveries_.rend(); ++it) {
    const Delivery& delivery = it->second;
    if (delivery.program_id != program_id || delivery.partner_id != partner_id ||
        (before.has_value() && !(delivery.id < *before))) {
      continue;
    }
    if (page.deliveries.size() == limit) {
      page.next_cursor = page.deliveries.back().id;
      break;
    }
    page.deliveries.push_back(delivery);
  }
  return page;
}

absl::StatusOr<Delivery> InMemoryOutbox::RetryDelivery(absl::string_view program_id,
                                                       absl::string_view partner_id,
                                                       const attribution::Ulid& id,
                                                       absl::Time now) {
  std::lock_guard lock(mu_);
  const auto it = deliveries_.find(id);
  if (it == deliveries_.end() || it->second.program_id != program_id ||
      it->second.partner_id != partner_id) {
    return absl::NotFoundError(absl::StrCat("delivery ", id.ToString(), " not found"));
  }
  Delivery& delivery = it->second;
  if (absl::Status reopened = attribution::Reopen(delivery, now); !reopened.ok()) {
    return reopened;
  }
  return delivery;
}

}  // namespace clicktrack::storage
