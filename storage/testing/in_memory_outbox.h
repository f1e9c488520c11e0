#pragma once

// The Outbox role in memory, for the API's tests: deliveries in a map under one lock.

#include <map>
#include <mutex>

#include "storage/store.h"

namespace clicktrack::storage {

class InMemoryOutbox final : public Outbox {
 public:
  // Adds a new delivery (what the committer does with its movement).
  void Add(const attribution::Delivery& delivery);

  absl::StatusOr<std::vector<attribution::Delivery>> DueDeliveries(absl::Time now,
                                                                   size_t limit) override;
  absl::StatusOr<std::optional<absl::Time>> NextDue() override;
  absl::StatusOr<QueueStats> ReadQueueStats(uint64_t most) override;
  absl::Status RecordAttempt(const attribution::Delivery& delivery, absl::Time was_due) override;
  absl::StatusOr<DeliveryPage> ListDeliveries(absl::string_view program_id,
                                              absl::string_view partner_id,
                                              std::optional<attribution::Ulid> before,
                                              size_t limit) const override;
  absl::StatusOr<attribution::Delivery> RetryDelivery(absl::string_view program_id,
                                                      absl::string_view partner_id,
                                                      const attribution::Ulid& id,
                                                      absl::Time now) override;

 private:
  mutable std::mutex mu_;
  std::map<attribution::Ulid, attribution::Delivery> deliveries_;  // under mu_
};

}  // namespace clicktrack::storage
