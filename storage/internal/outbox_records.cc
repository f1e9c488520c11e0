#include "storage/internal/outbox_records.h"

#include <string>

#include "attribution/base/status_macros.h"
#include "storage/internal/families.h"
#include "storage/internal/record_codec.h"
#include "storage/internal/rocks_status.h"
#include "storage/key_codec.h"

namespace clicktrack::storage_internal {
namespace {

using attribution::Delivery;

std::string Encode(const Delivery& delivery) {
  storage::proto::Delivery record;
  record.set_program_id(delivery.program_id);
  record.set_partner_id(delivery.partner_id);
  record.set_event(static_cast<int32_t>(delivery.event));
  record.set_url(delivery.url);
  record.set_state(static_cast<int32_t>(delivery.state));
  record.set_attempts(delivery.attempts);
  record.set_last_status(delivery.last_status);
  record.set_last_error(delivery.last_error);
  record.set_next_attempt_at_micros(absl::ToUnixMicros(delivery.next_attempt_at));
  record.set_created_at_micros(absl::ToUnixMicros(delivery.created_at));
  return record.SerializeAsString();
}

absl::StatusOr<Delivery> Decode(const attribution::Ulid& id, absl::string_view bytes) {
  storage::proto::Delivery record;
  CLICKTRACK_RETURN_IF_ERROR(ParseRecord(bytes, record, "delivery"));
  if (record.event() < 0 || record.event() > 2 || record.state() < 0 || record.state() > 2) {
    return absl::DataLossError("unreadable delivery record");
  }
  return Delivery{.id = id,
                  .program_id = record.program_id(),
                  .partner_id = record.partner_id(),
                  .event = static_cast<attribution::LedgerType>(record.event()),
                  .url = record.url(),
                  .state = static_cast<attribution::DeliveryState>(record.state()),
                  .attempts = record.attempts(),
                  .last_status = record.last_status(),
                  .last_error = record.last_error(),
                  .next_attempt_at = absl::FromUnixMicros(record.next_attempt_at_micros()),
                  .created_at = absl::FromUnixMicros(record.created_at_micros())};
}

}  // namespace

absl::Status PutDelivery(rocksdb::WriteBatchBase& batch,
                         const std::vector<rocksdb::ColumnFamilyHandle*>& families,
                         const Delivery& delivery, std::optional<absl::Time> was_due) {
  rocksdb::ColumnFamilyHandle* outbox = families[kOutbox];
  const auto put = [&](const storage::KeyBuffer& key, absl::string_view value) {
    return FromRocksStatus(batch.Put(outbox, ToSlice(key.view()), ToSlice(value)));
  };
  CLICKTRACK_RETURN_IF_ERROR(put(storage::DeliveryKey(delivery.id), Encode(delivery)));
  if (!was_due.has_value()) {
    CLICKTRACK_RETURN_IF_ERROR(put(
        storage::PartnerDeliveryKey(delivery.program_id, delivery.partner_id, delivery.id), ""));
  } else {
    const storage::KeyBuffer old_due = storage::DueDeliveryKey(*was_due, delivery.id);
    CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(batch.Delete(outbox, ToSlice(old_due.view()))));
  }
  if (delivery.state == attribution::DeliveryState::kPending) {
    CLICKTRACK_RETURN_IF_ERROR(
        put(storage::DueDeliveryKey(delivery.next_attempt_at, delivery.id), ""));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<Delivery>> ReadDelivery(rocksdb::DB& db,
                                                     rocksdb::ColumnFamilyHandle* outbox,
                                                     const attribution::Ulid& id) {
  std::string value;
  const storage::KeyBuffer key = storage::DeliveryKey(id);
  const rocksdb::Status status =
      db.Get(rocksdb::ReadOptions(), outbox, ToSlice(key.view()), &value);
  if (status.IsNotFound()) {
    return std::nullopt;
  }
  CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(status));
  return Decode(id, value);
}

}  // namespace clicktrack::storage_internal
