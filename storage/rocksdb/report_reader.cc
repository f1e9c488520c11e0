#include "storage/rocksdb/report_reader.h"

#include <algorithm>
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

#include "attribution/base/status_macros.h"
#include "attribution/customer_alias.h"
#include "storage/internal/newest_first.h"
#include "storage/internal/payouts.h"
#include "storage/internal/record_codec.h"
#include "storage/internal/rocks_status.h"
#include "storage/key_codec.h"
#include "storage/store_errors.h"

namespace clicktrack::storage_internal {

using storage::KeyBuffer;

absl::StatusOr<storage::StatsTotals> RocksDbReportReader::ReadStats(absl::string_view program_id,
                                                                    absl::string_view partner_id,
                                                                    absl::CivilDay from,
                                                                    absl::CivilDay to) const {
  if (to < from) {
    return storage::StatsTotals();
  }
  const DayInterval range{.first = from, .last = to};
  CLICKTRACK_ASSIGN_OR_RETURN(std::vector<storage::StatsTotals> totals,
                              ReadStatsRanges(program_id, partner_id, {&range, 1}));
  return totals[0];
}

absl::StatusOr<std::vector<storage::StatsTotals>> RocksDbReportReader::ReadStatsRanges(
    absl::string_view program_id, absl::string_view partner_id,
    absl::Span<const DayInterval> ranges) const {
  std::vector<storage::StatsTotals> totals(ranges.size());
  if (ranges.empty()) {
    return totals;
  }
  absl::CivilDay first = ranges[0].first;
  absl::CivilDay last = ranges[0].last;
  for (const DayInterval& range : ranges) {
    first = std::min(first, range.first);
    last = std::max(last, range.last);
  }
  CLICKTRACK_RETURN_IF_ERROR(VisitStats(program_id, partner_id, first, last,
                                        [&](absl::CivilDay day, size_t counter, int64_t value) {
                                          for (size_t i = 0; i < ranges.size(); ++i) {
                                            if (ranges[i].first <= day && day <= ranges[i].last) {
                                              totals[i].values[counter] += value;
                                            }
                                          }
                                        }));
  return totals;
}

absl::Status RocksDbReportReader::AddDailyStats(absl::string_view program_id,
                                                absl::string_view partner_id, absl::CivilDay first,
                                                absl::Span<storage::StatsTotals> days) const {
  const absl::CivilDay last = first + static_cast<int64_t>(days.size()) - 1;
  return VisitStats(program_id, partner_id, first, last,
                    [&](absl::CivilDay day, size_t counter, int64_t value) {
                      days[day - first].values[counter] += value;
                    });
}

absl::Status RocksDbReportReader::VisitStats(
    absl::string_view program_id, absl::string_view partner_id, absl::CivilDay first,
    absl::CivilDay last,
    absl::FunctionRef<void(absl::CivilDay day, size_t counter, int64_t value)> visit) const {
  const KeyBuffer prefix = storage::StatsPrefix(program_id, partner_id);
  KeyBuffer start = prefix;
  start.Int32(storage::DayNumber(first));
  std::unique_ptr<rocksdb::Iterator> it(
      database_.db().NewIterator(rocksdb::ReadOptions(), database_.family(kStats)));
  for (it->Seek(ToSlice(start.view())); it->Valid(); it->Next()) {
    const absl::string_view key = ToView(it->key());
    storage::StatsKeyParts parts;
    if (!absl::StartsWith(key, prefix.view())) {
      break;
    }
    if (!storage::DecodeStatsSuffix(key.substr(prefix.size()), parts)) {
      continue;
    }
    if (parts.day > last) {
      break;
    }
    int64_t value = 0;
    if (parts.day < first || parts.counter >= storage::StatsTotals().values.size() ||
        !storage::DecodeCounter(ToView(it->value()), value)) {
      continue;
    }
    visit(parts.day, parts.counter, value);
  }
  return FromRocksStatus(it->status());
}

absl::StatusOr<std::vector<storage::CohortCell>> RocksDbReportReader::ReadCohorts(
    absl::string_view program_id, absl::string_view partner_id, absl::CivilMonth first,
    absl::CivilMonth last) const {
  std::vector<storage::CohortCell> cells;
  const KeyBuffer prefix = storage::CohortPrefix(program_id, partner_id);
  KeyBuffer start = prefix;
  start.Int32(storage::MonthNumber(first));
  std::unique_ptr<rocksdb::Iterator> it(
      database_.db().NewIterator(rocksdb::ReadOptions(), database_.family(kStats)));
  for (it->Seek(ToSlice(start.view())); it->Valid(); it->Next()) {
    const absl::string_view key = ToView(it->key());
    storage::CohortKeyParts parts;
    if (!absl::StartsWith(key, prefix.view()) ||
        !storage::DecodeCohortSuffix(key.substr(prefix.size()), parts) || parts.cohort > last) {
      break;
    }
    if (cells.empty() || cells.back().cohort != parts.cohort || cells.back().month != parts.month) {
      cells.push_back(storage::CohortCell{.cohort = parts.cohort, .month = parts.month});
    }
    int64_t value = 0;
    if (parts.counter < cells.back().values.values.size() &&
        storage::DecodeCounter(ToView(it->value()), value)) {
      cells.back().values.values[parts.counter] += value;
    }
  }
  CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(it->status()));
  return cells;
}

absl::StatusOr<attribution::PartnerTotals> RocksDbReportReader::ReadPartnerTotals(
    absl::string_view program_id, absl::string_view partner_id) const {
  CLICKTRACK_ASSIGN_OR_RETURN(
      std::optional<std::string> value,
      database_.Get(kCustomers, storage::PartnerTotalsKey(program_id, partner_id).view()));
  if (!value.has_value()) {
    return attribution::PartnerTotals{};
  }
  proto::PartnerTotals record;
  CLICKTRACK_RETURN_IF_ERROR(ParseRecord(*value, record, "partner totals"));
  return FromProto(record);
}

absl::StatusOr<std::optional<attribution::Ulid>> RocksDbReportReader::FindAlias(
    absl::string_view program_id, const attribution::Ulid& customer) const {
  CLICKTRACK_ASSIGN_OR_RETURN(
      std::optional<std::string> alias,
      database_.Get(kIdentities, storage::AliasKey(program_id, customer).view()));
  return alias.has_value() ? attribution::Ulid::FromBinary(*alias) : std::nullopt;
}

absl::StatusOr<attribution::CustomerState> RocksDbReportReader::GetCustomer(
    absl::string_view program_id, const attribution::Ulid& customer) const {
  const auto find_alias = [&](const attribution::Ulid& id) { return FindAlias(program_id, id); };
  CLICKTRACK_ASSIGN_OR_RETURN(const attribution::Ulid id,
                              attribution::SurvivingCustomer(customer, find_alias));
  CLICKTRACK_ASSIGN_OR_RETURN(
      std::optional<std::string> value,
      database_.Get(kCustomers, storage::CustomerKey(program_id, id).view()));
  if (!value.has_value()) {
    return storage::CustomerNotFound(customer);
  }
  proto::Customer record;
  CLICKTRACK_RETURN_IF_ERROR(ParseRecord(*value, record, "customer"));
  return FromProto(id, record);
}

absl::StatusOr<attribution::CustomerState> RocksDbReportReader::FindCustomerByRef(
    absl::string_view program_id, absl::string_view customer_ref) const {
  CLICKTRACK_ASSIGN_OR_RETURN(
      std::optional<std::string> id,
      database_.Get(kIdentities, storage::CustomerRefKey(program_id, customer_ref).view()));
  const std::optional<attribution::Ulid> customer =
      id.has_value() ? attribution::Ulid::FromBinary(*id) : std::nullopt;
  if (!customer.has_value()) {
    return storage::NoCustomerWithRef(customer_ref);
  }
  absl::StatusOr<attribution::CustomerState> found = GetCustomer(program_id, *customer);
  if (absl::IsNotFound(found.status())) {  // a ref left pointing at an unknown customer
    return storage::NoCustomerWithRef(customer_ref);
  }
  return found;
}

absl::StatusOr<attribution::Conversion> RocksDbReportReader::GetConversion(
    absl::string_view program_id, absl::string_view order_id) const {
  CLICKTRACK_ASSIGN_OR_RETURN(
      std::optional<std::string> value,
      database_.Get(kConversions, storage::ConversionKey(program_id, order_id).view()));
  if (!value.has_value()) {
    return storage::OrderNotFound(order_id);
  }
  proto::Conversion record;
  CLICKTRACK_RETURN_IF_ERROR(ParseRecord(*value, record, "conversion"));
  return FromProto(order_id, record);
}

absl::StatusOr<storage::LedgerPage> RocksDbReportReader::ListLedger(
    absl::string_view program_id, absl::string_view partner_id,
    std::optional<attribution::Ulid> before, size_t limit) const {
  const KeyBuffer prefix = storage::LedgerPrefix(program_id, partner_id);
  storage::LedgerPage page;
  proto::LedgerEntry record;
  CLICKTRACK_RETURN_IF_ERROR(
      VisitNewestFirst(database_.db(), database_.family(kLedger), prefix.view(), before,
                       [&](const attribution::Ulid& id, absl::string_view value) {
                         if (page.entries.size() == limit) {
                           page.next_cursor = page.entries.back().id;
                           return false;
                         }
                         if (!ParseRecord(value, record, "ledger").ok()) {
                           page.unreadable.push_back(id);  // the rest of the ledger stays readable
                           return true;
                         }
                         page.entries.push_back(FromProto(partner_id, id, record));
                         return true;
                       }));
  return page;
}

absl::StatusOr<storage::LedgerPage> RocksDbReportReader::ListLedgerBetween(
    absl::string_view program_id, absl::string_view partner_id, absl::Time from, absl::Time to,
    std::optional<attribution::Ulid> after, size_t limit) const {
  const KeyBuffer prefix = storage::LedgerPrefix(program_id, partner_id);
  const KeyBuffer start = storage::LedgerKey(program_id, partner_id,
                                             after.value_or(attribution::Ulid::Make(from, 0, 0)));
  const KeyBuffer end =
      storage::LedgerKey(program_id, partner_id, attribution::Ulid::Make(to, 0, 0));
  std::unique_ptr<rocksdb::Iterator> it(
      database_.db().NewIterator(rocksdb::ReadOptions(), database_.family(kLedger)));
  storage::LedgerPage page;
  proto::LedgerEntry record;
  for (it->Seek(ToSlice(start.view())); it->Valid() && ToView(it->key()) < end.view(); it->Next()) {
    const absl::string_view key = ToView(it->key());
    const std::optional<attribution::Ulid> id =
        attribution::Ulid::FromBinary(key.substr(prefix.view().size()));
    if (!absl::StartsWith(key, prefix.view()) || !id.has_value() || (after && *id == *after)) {
      continue;
    }
    if (page.entries.size() == limit) {
      page.next_cursor = page.entries.back().id;
      break;
    }
    if (!ParseRecord(ToView(it->value()), record, "ledger").ok()) {
      page.unreadable.push_back(*id);
      continue;
    }
    page.entries.push_back(FromProto(partner_id, *id, record));
  }
  CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(it->status()));
  return page;
}

absl::StatusOr<int64_t> RocksDbReportReader::SumPendingCommission(absl::string_view program_id,
                                                                  absl::string_view partner_id,
                                                                  absl::Time from, absl::Time to,
                                                                  absl::Time now) const {
  std::unique_ptr<rocksdb::Iterator> iterator(
      database_.db().NewIterator(rocksdb::ReadOptions(), database_.family(kLedger)));
  return SumPending(*iterator, program_id, partner_id, from, to, now);
}

absl::StatusOr<std::vector<attribution::UnpaidEntry>> RocksDbReportReader::ListUnpaid(
    absl::string_view program_id, absl::string_view partner_id) const {
  std::unique_ptr<rocksdb::Iterator> iterator(
      database_.db().NewIterator(rocksdb::ReadOptions(), database_.family(kLedger)));
  return ReadUnpaid(*iterator, program_id, partner_id);
}

absl::StatusOr<int64_t> RocksDbReportReader::ReadPaidTotal(absl::string_view program_id,
                                                           absl::string_view partner_id) const {
  CLICKTRACK_ASSIGN_OR_RETURN(
      const std::optional<std::string> value,
      database_.Get(kLedger, storage::PaidTotalKey(program_id, partner_id).view()));
  return DecodePaidTotal(value);
}

absl::StatusOr<storage::PayoutPage> RocksDbReportReader::ListPayouts(
    absl::string_view program_id, absl::string_view partner_id,
    std::optional<attribution::Ulid> before, size_t limit) const {
  const KeyBuffer prefix = storage::PayoutPrefix(program_id);
  storage::PayoutPage page;
  proto::Payout record;
  absl::Status unreadable = absl::OkStatus();
  CLICKTRACK_RETURN_IF_ERROR(
      VisitNewestFirst(database_.db(), database_.family(kLedger), prefix.view(), before,
                       [&](const attribution::Ulid& id, absl::string_view value) {
                         unreadable = ParseRecord(value, record, "payout");
                         if (!unreadable.ok()) {
                           return false;
                         }
                         if (!partner_id.empty() && record.partner_id() != partner_id) {
                           return true;
                         }
                         if (page.payouts.size() == limit) {
                           page.next_cursor = page.payouts.back().id;
                           return false;
                         }
                         page.payouts.push_back(FromProto(id, record));
                         return true;
                       }));
  CLICKTRACK_RETURN_IF_ERROR(unreadable);
  return page;
}

}  // namespace clicktrack::storage_internal
