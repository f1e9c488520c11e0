#include "storage/rocksdb/outbox.h"

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

#include "attribution/base/status_macros.h"
#include "storage/internal/newest_first.h"
#include "storage/internal/outbox_records.h"
#include "storage/internal/rocks_status.h"
#include "storage/key_codec.h"

namespace clicktrack::storage_internal {
namespace {

using attribution::Delivery;
using attribution::DeliveryState;
using attribution::Ulid;

}  // namespace

absl::Status RocksDbOutbox::ScanQueue(absl::FunctionRef<bool(absl::Time, const Ulid&)> visit) {
  std::unique_ptr<rocksdb::Iterator> it(
      database_.db().NewIterator(rocksdb::ReadOptions(), database_.family(kOutbox)));
  const char tag = static_cast<char>(storage::kDueDeliveryTag);
  for (it->Seek(rocksdb::Slice(&tag, 1)); it->Valid(); it->Next()) {
    absl::Time due;
    Ulid id;
    if (!storage::DecodeDueDeliveryKey(ToView(it->key()), due, id)) {
      break;  // past the queue
    }
    if (!visit(due, id)) {
      break;
    }
  }
  return FromRocksStatus(it->status());
}

absl::StatusOr<std::vector<Delivery>> RocksDbOutbox::DueDeliveries(absl::Time now, size_t limit) {
  std::vector<Ulid> due_ids;
  CLICKTRACK_RETURN_IF_ERROR(ScanQueue([&](absl::Time due, const Ulid& id) {
    if (due > now || due_ids.size() == limit) {
      return false;
    }
    due_ids.push_back(id);
    return true;
  }));
  std::vector<Delivery> deliveries;
  for (const Ulid& id : due_ids) {
    CLICKTRACK_ASSIGN_OR_RETURN(std::optional<Delivery> delivery,
                                ReadDelivery(database_.db(), database_.family(kOutbox), id));
    if (delivery.has_value() && delivery->state == DeliveryState::kPending) {
      deliveries.push_back(*std::move(delivery));
    }
  }
  return deliveries;
}

absl::StatusOr<std::optional<absl::Time>> RocksDbOutbox::NextDue() {
  std::optional<absl::Time> next;
  CLICKTRACK_RETURN_IF_ERROR(ScanQueue([&](absl::Time due, const Ulid&) {
    next = due;
    return false;
  }));
  return next;
}

absl::StatusOr<storage::Outbox::QueueStats> RocksDbOutbox::ReadQueueStats(uint64_t most) {
  // Delivery ids are ULIDs minted at creation: the smallest id in the queue is the oldest.
  QueueStats stats;
  CLICKTRACK_RETURN_IF_ERROR(ScanQueue([&](absl::Time, const Ulid& id) {
    if (!stats.oldest_created.has_value() || id.time() < *stats.oldest_created) {
      stats.oldest_created = id.time();
    }
    return ++stats.pending < most;
  }));
  return stats;
}

absl::Status RocksDbOutbox::RecordAttempt(const Delivery& delivery, absl::Time was_due) {
  std::lock_guard lock(write_mutex_);
  rocksdb::WriteBatch batch;
  CLICKTRACK_RETURN_IF_ERROR(PutDelivery(batch, database_.families(), delivery, was_due));
  return database_.Write(rocksdb::WriteOptions(), &batch);
}

absl::StatusOr<storage::DeliveryPage> RocksDbOutbox::ListDeliveries(absl::string_view program_id,
                                                                    absl::string_view partner_id,
                                                                    std::optional<Ulid> before,
                                                                    size_t limit) const {
  const storage::KeyBuffer prefix = storage::PartnerDeliveriesPrefix(program_id, partner_id);
  storage::DeliveryPage page;
  std::vector<Ulid> ids;
  CLICKTRACK_RETURN_IF_ERROR(VisitNewestFirst(database_.db(), database_.family(kOutbox),
                                              prefix.view(), before,
                                              [&](const Ulid& id, absl::string_view) {
                                                if (ids.size() == limit) {
                                                  page.next_cursor = ids.back();
                                                  return false;
                                                }
                                                ids.push_back(id);
                                                return true;
                                              }));
  for (const Ulid& id : ids) {
    CLICKTRACK_ASSIGN_OR_RETURN(std::optional<Delivery> delivery,
                                ReadDelivery(database_.db(), database_.family(kOutbox), id));
    if (delivery.has_value()) {
      page.deliveries.push_back(*std::move(delivery));
    }
  }
  return page;
}

absl::StatusOr<Delivery> RocksDbOutbox::RetryDelivery(absl::string_view program_id,
                                                      absl::string_view partner_id, const Ulid& id,
                                                      absl::Time now) {
  std::lock_guard lock(write_mutex_);
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<Delivery> delivery,
                              ReadDelivery(database_.db(), database_.family(kOutbox), id));
  if (!delivery.has_value() || delivery->program_id != program_id ||
      delivery->partner_id != partner_id) {
    return absl::NotFoundError(absl::StrCat("delivery ", id.ToString(), " not found"));
  }
  CLICKTRACK_RETURN_IF_ERROR(attribution::Reopen(*delivery, now));
  rocksdb::WriteBatch batch;
  CLICKTRACK_RETURN_IF_ERROR(PutDelivery(batch, database_.families(), *delivery, std::nullopt));
  CLICKTRACK_RETURN_IF_ERROR(database_.Write(rocksdb::WriteOptions(), &batch));
  return *std::move(delivery);
}

}  // namespace clicktrack::storage_internal
