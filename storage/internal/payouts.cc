#include "storage/internal/payouts.h"

#include <cstring>
#include <memory>

#include "absl/functional/function_ref.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

#include "attribution/base/status_macros.h"
#include "storage/internal/record_codec.h"
#include "storage/internal/rocks_status.h"
#include "storage/key_codec.h"

namespace clicktrack::storage_internal {
namespace {

std::string Int64Bytes(int64_t value) {
  const std::array<char, 8> bytes = storage::EncodeCounter(value);
  return std::string(bytes.data(), bytes.size());
}

absl::StatusOr<std::optional<std::string>> Get(rocksdb::DB& db,
                                               rocksdb::WriteBatchWithIndex& writes,
                                               rocksdb::ColumnFamilyHandle* family,
                                               const storage::KeyBuffer& key) {
  std::string value;
  const rocksdb::Status status =
      writes.GetFromBatchAndDB(&db, rocksdb::ReadOptions(), family, ToSlice(key.view()), &value);
  if (status.IsNotFound()) {
    return std::nullopt;
  }
  CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(status));
  return value;
}

absl::Status Put(rocksdb::WriteBatchWithIndex& writes, rocksdb::ColumnFamilyHandle* family,
                 const storage::KeyBuffer& key, absl::string_view value) {
  return FromRocksStatus(writes.Put(family, ToSlice(key.view()), ToSlice(value)));
}

// The payouts a receipt names, for a replayed order.
absl::StatusOr<attribution::PayoutOutcome> Replay(rocksdb::DB& db,
                                                  rocksdb::WriteBatchWithIndex& writes,
                                                  rocksdb::ColumnFamilyHandle* ledger,
                                                  absl::string_view program_id,
                                                  const proto::PayoutReceipt& receipt) {
  attribution::PayoutOutcome outcome{.replayed = true};
  proto::Payout record;
  for (const std::string& bytes : receipt.payout_ids()) {
    const attribution::Ulid id = UlidFrom(bytes);
    CLICKTRACK_ASSIGN_OR_RETURN(const std::optional<std::string> value,
                                Get(db, writes, ledger, storage::PayoutKey(program_id, id)));
    if (!value.has_value()) {
      return absl::InternalError(
          absl::StrCat("payout ", id.ToString(), " of a receipt is missing"));
    }
    CLICKTRACK_RETURN_IF_ERROR(ParseRecord(*value, record, "payout"));
    outcome.payouts.push_back(FromProto(id, record));
  }
  return outcome;
}

// Names the payout in each settled ledger entry and takes it out of the unpaid index.
absl::Status SettleEntries(rocksdb::DB& db, rocksdb::WriteBatchWithIndex& writes,
                           rocksdb::ColumnFamilyHandle* ledger, absl::string_view program_id,
                           absl::string_view partner_id, const attribution::Settlement& settled,
                           const attribution::Ulid& payout_id, CounterSums& counters) {
  proto::LedgerEntry record;
  for (const attribution::Ulid& entry : settled.entries) {
    const storage::KeyBuffer key = storage::LedgerKey(program_id, partner_id, entry);
    CLICKTRACK_ASSIGN_OR_RETURN(const std::optional<std::string> value,
                                Get(db, writes, ledger, key));
    if (!value.has_value()) {
      return absl::InternalError(absl::StrCat("unpaid ledger entry ", entry.ToString(),
                                              " of partner ", partner_id, " is missing"));
    }
    CLICKTRACK_RETURN_IF_ERROR(ParseRecord(*value, record, "ledger"));
    record.set_payout_id(UlidBytes(payout_id));
    if (record.type() != proto::LedgerEntry::REVERSAL) {
      const absl::CivilDay day =
          absl::ToCivilDay(absl::FromUnixMicros(record.created_at_micros()), absl::UTCTimeZone());
      counters.Add(
          storage::StatsKey(program_id, partner_id, day, attribution::StatsCounter::kCommissionPaid)
              .view(),
          record.commission_minor());
    }
    CLICKTRACK_RETURN_IF_ERROR(Put(writes, ledger, key, record.SerializeAsString()));
    CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(
        writes.Delete(ledger, ToSlice(storage::UnpaidKey(program_id, partner_id, entry).view()))));
  }
  return absl::OkStatus();
}

// One partner's payout, if its balance reaches the minimum.
absl::StatusOr<std::optional<attribution::Payout>> PayPartner(
    rocksdb::DB& db, rocksdb::WriteBatchWithIndex& writes, rocksdb::ColumnFamilyHandle* ledger,
    absl::string_view program_id, absl::string_view partner_id,
    const attribution::PayoutOrder& order, attribution::IdSource& ids, CounterSums& counters) {
  std::unique_ptr<rocksdb::Iterator> iterator(
      writes.NewIteratorWithBase(ledger, db.NewIterator(rocksdb::ReadOptions(), ledger)));
  CLICKTRACK_ASSIGN_OR_RETURN(const std::vector<attribution::UnpaidEntry> unpaid,
                              ReadUnpaid(*iterator, program_id, partner_id));
  const std::optional<attribution::Settlement> settled =
      attribution::Settle(unpaid, order.now, order.minimum_minor);
  if (!settled.has_value()) {
    return std::nullopt;
  }
  const attribution::Payout payout{.id = ids.NewId(order.now),
                                   .partner_id = std::string(partner_id),
                                   .amount_minor = settled->amount_minor,
                                   .entries = static_cast<int64_t>(settled->entries.size()),
                                   .note = order.note,
                                   .created_at = order.now};
  CLICKTRACK_RETURN_IF_ERROR(
      SettleEntries(db, writes, ledger, program_id, partner_id, *settled, payout.id, counters));
  CLICKTRACK_RETURN_IF_ERROR(Put(writes, ledger, storage::PayoutKey(program_id, payout.id),
                                 ToProto(payout).SerializeAsString()));
  const storage::KeyBuffer paid_key = storage::PaidTotalKey(program_id, partner_id);
  CLICKTRACK_ASSIGN_OR_RETURN(const std::optional<std::string> paid,
                              Get(db, writes, ledger, paid_key));
  CLICKTRACK_RETURN_IF_ERROR(
      Put(writes, ledger, paid_key, Int64Bytes(DecodePaidTotal(paid) + payout.amount_minor)));
  return payout;
}

// Calls `visit` for each unpaid entry of the partner with an id in [first, end) (nullopt: no
// bound), oldest first. kDataLoss for an unreadable entry.
absl::Status VisitUnpaid(rocksdb::Iterator& iterator, absl::string_view program_id,
                         absl::string_view partner_id, std::optional<attribution::Ulid> first,
                         std::optional<attribution::Ulid> end,
                         absl::FunctionRef<void(const attribution::UnpaidEntry&)> visit) {
  const storage::KeyBuffer prefix = storage::UnpaidPrefix(program_id, partner_id);
  const storage::KeyBuffer start =
      first.has_value() ? storage::UnpaidKey(program_id, partner_id, *first) : prefix;
  const std::optional<storage::KeyBuffer> stop =
      end.has_value() ? std::optional(storage::UnpaidKey(program_id, partner_id, *end))
                      : std::nullopt;
  for (iterator.Seek(ToSlice(start.view())); iterator.Valid(); iterator.Next()) {
    const absl::string_view key = ToView(iterator.key());
    if (!absl::StartsWith(key, prefix.view()) || (stop.has_value() && key >= stop->view())) {
      break;
    }
    const absl::string_view value = ToView(iterator.value());
    const std::optional<attribution::Ulid> id =
        attribution::Ulid::FromBinary(key.substr(prefix.view().size()));
    int64_t commission = 0;
    int64_t approve_at = 0;
    if (!id.has_value() || value.size() != 16 ||
        !storage::DecodeCounter(value.substr(0, 8), commission) ||
        !storage::DecodeCounter(value.substr(8), approve_at)) {
      return absl::DataLossError(
          absl::StrCat("an unpaid ledger entry of partner ", partner_id, " is unreadable"));
    }
    visit(attribution::UnpaidEntry{.entry_id = *id,
                                   .commission_minor = commission,
                                   .approve_at = absl::FromUnixMicros(approve_at)});
  }
  return FromRocksStatus(iterator.status());
}

}  // namespace

std::string EncodeUnpaid(const attribution::LedgerEntry& entry) {
  return absl::StrCat(Int64Bytes(entry.commission_minor),
                      Int64Bytes(absl::ToUnixMicros(entry.approve_at)));
}

absl::StatusOr<std::vector<attribution::UnpaidEntry>> ReadUnpaid(rocksdb::Iterator& iterator,
                                                                 absl::string_view program_id,
                                                                 absl::string_view partner_id) {
  std::vector<attribution::UnpaidEntry> unpaid;
  CLICKTRACK_RETURN_IF_ERROR(
      VisitUnpaid(iterator, program_id, partner_id, std::nullopt, std::nullopt,
                  [&](const attribution::UnpaidEntry& entry) { unpaid.push_back(entry); }));
  return unpaid;
}

absl::StatusOr<int64_t> SumPending(rocksdb::Iterator& iterator, absl::string_view program_id,
                                   absl::string_view partner_id, absl::Time from, absl::Time to,
                                   absl::Time now) {
  int64_t pending = 0;
  CLICKTRACK_RETURN_IF_ERROR(
      VisitUnpaid(iterator, program_id, partner_id, attribution::Ulid::Make(from, 0, 0),
                  attribution::Ulid::Make(to, 0, 0), [&](const attribution::UnpaidEntry& entry) {
                    if (entry.commission_minor > 0 && entry.approve_at > now) {
                      pending += entry.commission_minor;
                    }
                  }));
  return pending;
}

int64_t DecodePaidTotal(const std::optional<std::string>& value) {
  int64_t paid = 0;
  if (value.has_value()) {
    storage::DecodeCounter(*value, paid);
  }
  return paid;
}

absl::StatusOr<attribution::PayoutOutcome> CarryOutPayout(
    rocksdb::DB& db, rocksdb::WriteBatchWithIndex& writes, rocksdb::ColumnFamilyHandle* ledger,
    absl::string_view program_id, const std::vector<std::string>& partner_ids,
    const attribution::PayoutOrder& order, attribution::IdSource& ids, CounterSums& counters) {
  const storage::KeyBuffer receipt_key =
      storage::PayoutIdempotencyKey(program_id, order.idempotency_key);
  if (!order.idempotency_key.empty()) {
    CLICKTRACK_ASSIGN_OR_RETURN(const std::optional<std::string> seen,
                                Get(db, writes, ledger, receipt_key));
    if (seen.has_value()) {
      proto::PayoutReceipt receipt;
      CLICKTRACK_RETURN_IF_ERROR(ParseRecord(*seen, receipt, "payout receipt"));
      if (receipt.fingerprint() != order.fingerprint) {
        return absl::AlreadyExistsError(
            absl::StrCat("Idempotency-Key ", order.idempotency_key,
                         " was used for another payout order; send a new key for a new order"));
      }
      return Replay(db, writes, ledger, program_id, receipt);
    }
  }
  attribution::PayoutOutcome outcome;
  proto::PayoutReceipt receipt;
  receipt.set_fingerprint(order.fingerprint);
  for (const std::string& partner_id : partner_ids) {
    CLICKTRACK_ASSIGN_OR_RETURN(
        std::optional<attribution::Payout> payout,
        PayPartner(db, writes, ledger, program_id, partner_id, order, ids, counters));
    if (payout.has_value()) {
      receipt.add_payout_ids(UlidBytes(payout->id));
      outcome.payouts.push_back(*std::move(payout));
    }
  }
  if (!order.idempotency_key.empty()) {
    CLICKTRACK_RETURN_IF_ERROR(Put(writes, ledger, receipt_key, receipt.SerializeAsString()));
  }
  return outcome;
}

}  // namespace clicktrack::storage_internal
