#include "storage/internal/click_records.h"

#include <algorithm>
#include <memory>

#include "absl/container/inlined_vector.h"
#include "absl/strings/match.h"
#include "absl/time/civil_time.h"

#include "attribution/base/status_macros.h"
#include "storage/internal/record_codec.h"
#include "storage/internal/rocks_status.h"
#include "storage/key_codec.h"

namespace clicktrack::storage_internal {

void AddClick(const attribution::Click& click, rocksdb::ColumnFamilyHandle* clicks,
              ClickScratch& scratch, rocksdb::WriteBatch& batch, CounterSums& counters) {
  FillProto(click, scratch.click);
  scratch.value.clear();
  scratch.click.AppendToString(&scratch.value);
  batch.Put(clicks, ToSlice(storage::ClickKey(click.id).view()), scratch.value);

  if (!click.bot) {
    const absl::CivilDay day = absl::ToCivilDay(click.time, absl::UTCTimeZone());
    counters.Add(storage::StatsKey(click.program_id, click.partner_id, day,
                                   attribution::StatsCounter::kClicks)
                     .view(),
                 1);
    if (click.unique) {
      counters.Add(storage::StatsKey(click.program_id, click.partner_id, day,
                                     attribution::StatsCounter::kUniqueClicks)
                       .view(),
                   1);
    }
  }
}

PendingClickIndex::Entry CustomerClickEntry(const attribution::Click& click,
                                            ClickScratch& scratch) {
  storage::proto::CustomerClick& entry = scratch.entry;
  entry.set_partner_id(click.partner_id);
  entry.set_link_code(click.link_code);
  entry.set_bot(click.bot);
  entry.set_unique(click.unique);
  PendingClickIndex::Entry pending{
      .key = std::string(
          storage::CustomerClickKey(click.program_id, click.customer_id, click.time, click.id)
              .view()),
      .time = click.time};
  entry.AppendToString(&pending.value);
  return pending;
}

absl::Status VisitCustomerClicks(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* customer_clicks,
                                 const PendingClickIndex& pending, absl::string_view program_id,
                                 const attribution::Ulid& customer, absl::Time from, absl::Time to,
                                 CustomerClickVisitor f) {
  const storage::KeyBuffer prefix = storage::CustomerClicksPrefix(program_id, customer);
  const storage::KeyBuffer start =
      storage::CustomerClickKey(program_id, customer, from, attribution::Ulid{});
  // Pending first: an entry leaves the pending ones only once it is stored, so it is seen in
  // one place or both, never neither.
  absl::InlinedVector<attribution::Ulid, 8> seen;
  bool stopped = false;
  pending.Visit(prefix.view(), start.view(), [&](absl::string_view key, absl::string_view value) {
    storage::CustomerClickKeyParts parts;
    if (!storage::DecodeCustomerClickSuffix(key.substr(prefix.size()), parts) || parts.time > to) {
      return false;
    }
    seen.push_back(parts.click_id);
    stopped = !f(parts, value);
    return !stopped;
  });
  if (stopped) {
    return absl::OkStatus();
  }
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions(), customer_clicks));
  for (it->Seek(ToSlice(start.view())); it->Valid(); it->Next()) {
    const absl::string_view key = ToView(it->key());
    storage::CustomerClickKeyParts parts;
    if (!absl::StartsWith(key, prefix.view()) ||
        !storage::DecodeCustomerClickSuffix(key.substr(prefix.size()), parts) || parts.time > to) {
      break;
    }
    if (std::find(seen.begin(), seen.end(), parts.click_id) == seen.end() &&
        !f(parts, ToView(it->value()))) {
      break;
    }
  }
  return FromRocksStatus(it->status());
}

absl::StatusOr<std::optional<attribution::Click>> ReadClick(rocksdb::DB& db,
                                                            rocksdb::ColumnFamilyHandle* clicks,
                                                            const attribution::Ulid& click_id) {
  rocksdb::PinnableSlice value;
  const rocksdb::Status status =
      db.Get(rocksdb::ReadOptions(), clicks, ToSlice(storage::ClickKey(click_id).view()), &value);
  if (status.IsNotFound()) {
    return std::nullopt;
  }
  CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(status));
  storage::proto::Click record;
  CLICKTRACK_RETURN_IF_ERROR(ParseRecord(ToView(value), record, "click"));
  return FromProto(click_id, record);
}

absl::StatusOr<std::optional<attribution::Click>> FindMintingClick(
    rocksdb::DB& db, rocksdb::ColumnFamilyHandle* clicks, absl::string_view program_id,
    const attribution::Ulid& customer, absl::Time from, absl::Time to) {
  if (customer.time() < from || to < customer.time()) {
    return std::nullopt;
  }
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<attribution::Click> click,
                              ReadClick(db, clicks, customer));
  if (!click.has_value() || click->customer_id != customer || click->program_id != program_id) {
    return std::nullopt;
  }
  return click;
}

}  // namespace clicktrack::storage_internal
