#pragma once

// Outbox on RocksDB: the deliveries in the outbox family (key_codec.h), each rewritten after
// its attempts under one lock (the worker and the admin API's retry are its only writers once
// the committer has written it).

#include <mutex>

#include "storage/rocksdb/database.h"
#include "storage/store.h"

namespace clicktrack::storage_internal {

class RocksDbOutbox final : public storage::Outbox {
 public:
  explicit RocksDbOutbox(Database& database) : database_(database) {}

  absl::StatusOr<std::vector<attribution::Delivery>> DueDeliveries(absl::Time now,
                                                                   size_t limit) override;
  absl::StatusOr<std::optional<absl::Time>> NextDue() override;
  absl::StatusOr<QueueStats> ReadQueueStats(uint64_t most) override;
  absl::Status RecordAttempt(const attribution::Delivery& delivery, absl::Time was_due) override;
  absl::StatusOr<storage::DeliveryPage> ListDeliveries(absl::string_view program_id,
                                                       absl::string_view partner_id,
                                                       std::optional<attribution::Ulid> before,
                                                       size_t limit) const override;
  absl::StatusOr<attribution::Delivery> RetryDelivery(absl::string_view program_id,
                                                      absl::string_view partner_id,
                                                      const attribution::Ulid& id,
                                                      absl::Time now) override;

 private:
  // Visits the queue's entries in due order until `visit` returns false.
  absl::Status ScanQueue(absl::FunctionRef<bool(absl::Time, const attribution::Ulid&)> visit);

  Database& database_;
  std::mutex write_mutex_;
};

}  // namespace clicktrack::storage_internal
