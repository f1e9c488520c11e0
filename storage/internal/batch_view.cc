#include "storage/internal/batch_view.h"

#include <algorithm>
#include <memory>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

#include "attribution/base/status_macros.h"
#include "storage/internal/click_records.h"
#include "storage/internal/families.h"
#include "storage/internal/payouts.h"
#include "storage/internal/record_codec.h"
#include "storage/internal/rocks_status.h"
#include "storage/key_codec.h"

namespace clicktrack::storage_internal {
namespace {

using attribution::Ulid;

}  // namespace

absl::StatusOr<std::optional<std::string>> BatchView::Get(size_t family, absl::string_view key) {
  std::string value;
  const rocksdb::Status status = batch_.GetFromBatchAndDB(&db_, rocksdb::ReadOptions(),
                                                          families_[family], ToSlice(key), &value);
  if (status.IsNotFound()) {
    return std::nullopt;
  }
  CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(status));
  return value;
}

absl::StatusOr<std::optional<std::string>> BatchView::CachedGet(Family family,
                                                                absl::string_view key) {
  // The batch's newest entry of the key, if it has one.
  std::unique_ptr<rocksdb::WBWIIterator>& it =
      family == kCustomers ? customers_in_batch_ : identities_in_batch_;
  if (it == nullptr) {
    it.reset(batch_.NewIterator(families_[family]));
  }
  std::optional<rocksdb::WriteEntry> newest;
  for (it->Seek(ToSlice(key)); it->Valid() && ToView(it->Entry().key) == key; it->Next()) {
    newest = it->Entry();
  }
  if (newest.has_value()) {
    switch (newest->type) {
      case rocksdb::kPutRecord:
        return std::string(ToView(newest->value));
      case rocksdb::kDeleteRecord:
      case rocksdb::kSingleDeleteRecord:
        return std::nullopt;
      default:
        return Get(family, key);  // merges: let RocksDB combine them
    }
  }
  if (const std::optional<std::string>* known = cache_.Find(family, key); known != nullptr) {
    return *known;
  }
  std::string value;
  const rocksdb::Status status =
      db_.Get(rocksdb::ReadOptions(), families_[family], ToSlice(key), &value);
  if (status.IsNotFound()) {
    cache_.Remember(family, key, std::nullopt);
    return std::nullopt;
  }
  CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(status));
  cache_.Remember(family, key, value);
  return value;
}

absl::StatusOr<std::optional<Ulid>> BatchView::GetUlid(Family family, absl::string_view key) {
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> value, CachedGet(family, key));
  if (!value.has_value()) {
    return std::nullopt;
  }
  return Ulid::FromBinary(*value);
}

absl::StatusOr<std::optional<attribution::Conversion>> BatchView::FindConversion(
    absl::string_view order_id) {
  CLICKTRACK_ASSIGN_OR_RETURN(
      std::optional<std::string> value,
      Get(kConversions, storage::ConversionKey(program_id_, order_id).view()));
  if (!value.has_value()) {
    return std::nullopt;
  }
  storage::proto::Conversion record;
  CLICKTRACK_RETURN_IF_ERROR(ParseRecord(*value, record, "conversion"));
  return FromProto(order_id, record);
}

absl::StatusOr<std::optional<attribution::Refund>> BatchView::FindRefund(
    absl::string_view refund_id) {
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> value,
                              Get(kRefunds, storage::RefundKey(program_id_, refund_id).view()));
  if (!value.has_value()) {
    return std::nullopt;
  }
  storage::proto::Refund record;
  CLICKTRACK_RETURN_IF_ERROR(ParseRecord(*value, record, "refund"));
  return FromProto(refund_id, record);
}

absl::StatusOr<std::vector<attribution::Refund>> BatchView::QueuedRefunds(
    absl::string_view order_id) {
  CLICKTRACK_ASSIGN_OR_RETURN(
      std::optional<std::string> value,
      Get(kRefunds, storage::QueuedRefundsKey(program_id_, order_id).view()));
  std::vector<attribution::Refund> refunds;
  if (!value.has_value()) {
    return refunds;  // the usual case: nothing waits for this order
  }
  storage::proto::QueuedRefunds queue;
  CLICKTRACK_RETURN_IF_ERROR(ParseRecord(*value, queue, "queued refunds"));
  for (const std::string& refund_id : queue.refund_ids()) {
    CLICKTRACK_ASSIGN_OR_RETURN(std::optional<attribution::Refund> refund, FindRefund(refund_id));
    if (refund.has_value() && !refund->applied) {
      refunds.push_back(*std::move(refund));
    }
  }
  return refunds;  // oldest first
}

absl::StatusOr<std::optional<attribution::AttributionView::FoundClick>> BatchView::FindClick(
    const Ulid& click_id) {
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<attribution::Click> found,
                              ReadClick(db_, families_[kClicks], click_id));
  if (!found.has_value()) {
    return std::nullopt;
  }
  const attribution::Click& click = *found;
  return FoundClick{
      .program_id = click.program_id,
      .customer_id = click.customer_id,
      .click = attribution::ClickRef{
          .id = click.id, .time = click.time, .partner_id = click.partner_id, .bot = click.bot}};
}

absl::StatusOr<std::optional<attribution::CustomerState>> BatchView::FindCustomer(
    const Ulid& customer) {
  CLICKTRACK_ASSIGN_OR_RETURN(
      std::optional<std::string> value,
      CachedGet(kCustomers, storage::CustomerKey(program_id_, customer).view()));
  if (!value.has_value()) {
    return std::nullopt;
  }
  storage::proto::Customer record;
  CLICKTRACK_RETURN_IF_ERROR(ParseRecord(*value, record, "customer"));
  return FromProto(customer, record);
}

absl::StatusOr<attribution::PartnerTotals> BatchView::FindPartnerTotals(
    absl::string_view partner_id) {
  CLICKTRACK_ASSIGN_OR_RETURN(
      std::optional<std::string> value,
      CachedGet(kCustomers, storage::PartnerTotalsKey(program_id_, partner_id).view()));
  if (!value.has_value()) {
    return attribution::PartnerTotals{};
  }
  storage::proto::PartnerTotals record;
  CLICKTRACK_RETURN_IF_ERROR(ParseRecord(*value, record, "partner totals"));
  return FromProto(record);
}

absl::StatusOr<std::optional<Ulid>> BatchView::FindAlias(const Ulid& customer) {
  return GetUlid(kIdentities, storage::AliasKey(program_id_, customer).view());
}

absl::StatusOr<std::optional<Ulid>> BatchView::FindByRef(absl::string_view customer_ref) {
  return GetUlid(kIdentities, storage::CustomerRefKey(program_id_, customer_ref).view());
}

absl::StatusOr<std::optional<Ulid>> BatchView::FindByEmail(absl::string_view email_sha256) {
  return GetUlid(kIdentities, storage::EmailKey(program_id_, email_sha256).view());
}

absl::StatusOr<std::vector<attribution::ClickRef>> BatchView::ClicksOf(const Ulid& customer,
                                                                       absl::Time from,
                                                                       absl::Time to) {
  std::vector<attribution::ClickRef> clicks;
  storage::proto::CustomerClick entry;
  absl::Status unreadable;
  CLICKTRACK_RETURN_IF_ERROR(VisitCustomerClicks(
      db_, families_[kCustomerClicks], pending_, program_id_, customer, from, to,
      [&](const storage::CustomerClickKeyParts& parts, absl::string_view value) {
        unreadable = ParseRecord(value, entry, "customer click");
        if (unreadable.ok()) {
          clicks.push_back(attribution::ClickRef{.id = parts.click_id,
                                                 .time = parts.time,
                                                 .partner_id = entry.partner_id(),
                                                 .bot = entry.bot()});
        }
        return unreadable.ok();
      }));
  CLICKTRACK_RETURN_IF_ERROR(unreadable);
  // Pending and stored entries each come in time order: merged, they are sorted again.
  std::sort(clicks.begin(), clicks.end(),
            [](const attribution::ClickRef& a, const attribution::ClickRef& b) {
              return std::tie(a.time, a.id) < std::tie(b.time, b.id);
            });
  // The click that minted the customer has no entry above.
  CLICKTRACK_ASSIGN_OR_RETURN(
      std::optional<attribution::Click> first,
      FindMintingClick(db_, families_[kClicks], program_id_, customer, from, to));
  if (first.has_value()) {
    clicks.insert(clicks.begin(), attribution::ClickRef{.id = first->id,
                                                        .time = first->time,
                                                        .partner_id = std::move(first->partner_id),
                                                        .bot = first->bot});
  }
  return clicks;
}

std::optional<attribution::CommissionRules> BatchView::PartnerRules(absl::string_view partner_id) {
  return partner_rules_(partner_id);
}

absl::StatusOr<std::optional<std::string>> BatchView::FindPaymentLink(absl::string_view ref) {
  return Get(kRefunds, storage::PaymentLinkKey(program_id_, ref).view());
}

absl::StatusOr<int64_t> BatchView::FindRefundTotal(absl::string_view key) {
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> value,
                              Get(kRefunds, storage::RefundTotalKey(program_id_, key).view()));
  int64_t total = 0;
  if (value.has_value() && !storage::DecodeCounter(*value, total)) {
    return absl::DataLossError(absl::StrCat("refund total of ", key, " is unreadable"));
  }
  return total;
}

absl::StatusOr<bool> BatchView::SeenSourceEvent(absl::string_view source_event_id) {
  CLICKTRACK_ASSIGN_OR_RETURN(
      std::optional<std::string> value,
      Get(kRefunds, storage::SourceEventKey(program_id_, source_event_id).view()));
  return value.has_value();
}

absl::Status BatchView::UpdateRefundQueue(const attribution::Refund& refund) {
  CLICKTRACK_RETURN_IF_ERROR(UpdateRefundQueueOf(refund.order_id, refund));
  for (const std::string& ref : refund.also_queued_under) {
    CLICKTRACK_RETURN_IF_ERROR(UpdateRefundQueueOf(ref, refund));
  }
  return absl::OkStatus();
}

absl::Status BatchView::UpdateRefundQueueOf(absl::string_view order_id,
                                            const attribution::Refund& refund) {
  const storage::KeyBuffer key = storage::QueuedRefundsKey(program_id_, order_id);
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> value, Get(kRefunds, key.view()));
  storage::proto::QueuedRefunds queue;
  if (value.has_value()) {
    CLICKTRACK_RETURN_IF_ERROR(ParseRecord(*value, queue, "queued refunds"));
  }
  auto& ids = *queue.mutable_refund_ids();
  const auto found = std::find(ids.begin(), ids.end(), refund.refund_id);
  if (refund.applied) {
    if (found == ids.end()) {
      return absl::OkStatus();  // applied at once: it never waited
    }
    ids.erase(found);
  } else if (found == ids.end()) {
    queue.add_refund_ids(refund.refund_id);
  }
  if (ids.empty()) {
    return FromRocksStatus(batch_.Delete(families_[kRefunds], ToSlice(key.view())));
  }
  return FromRocksStatus(
      batch_.Put(families_[kRefunds], ToSlice(key.view()), queue.SerializeAsString()));
}

absl::Status BatchView::Apply(const attribution::Decision& decision, CounterSums& counters) {
  auto put = [&](size_t family, const storage::KeyBuffer& key, const std::string& value) {
    return FromRocksStatus(batch_.Put(families_[family], ToSlice(key.view()), value));
  };
  if (decision.put_conversion.has_value()) {
    CLICKTRACK_RETURN_IF_ERROR(
        put(kConversions, storage::ConversionKey(program_id_, decision.put_conversion->order_id),
            ToProto(*decision.put_conversion).SerializeAsString()));
  }
  for (const attribution::Refund& refund : decision.put_refunds) {
    CLICKTRACK_RETURN_IF_ERROR(put(kRefunds, storage::RefundKey(program_id_, refund.refund_id),
                                   ToProto(refund).SerializeAsString()));
    CLICKTRACK_RETURN_IF_ERROR(UpdateRefundQueue(refund));
  }
  if (decision.put_customer.has_value()) {
    const attribution::CustomerState& customer = *decision.put_customer;
    CLICKTRACK_RETURN_IF_ERROR(put(kCustomers, storage::CustomerKey(program_id_, customer.id),
                                   ToProto(customer).SerializeAsString()));
    const auto id = customer.id.Binary();
    const std::string id_bytes(id.data(), id.size());
    if (!decision.link_ref.empty()) {
      CLICKTRACK_RETURN_IF_ERROR(
          put(kIdentities, storage::CustomerRefKey(program_id_, decision.link_ref), id_bytes));
    }
    if (!decision.link_email.empty()) {
      CLICKTRACK_RETURN_IF_ERROR(
          put(kIdentities, storage::EmailKey(program_id_, decision.link_email), id_bytes));
    }
  }
  for (const auto& [from, to] : decision.put_aliases) {
    const auto target = to.Binary();
    CLICKTRACK_RETURN_IF_ERROR(put(kIdentities, storage::AliasKey(program_id_, from),
                                   std::string(target.data(), target.size())));
  }
  for (const attribution::LedgerEntry& entry : decision.ledger) {
    CLICKTRACK_RETURN_IF_ERROR(put(kLedger,
                                   storage::LedgerKey(program_id_, entry.partner_id, entry.id),
                                   ToProto(entry).SerializeAsString()));
    CLICKTRACK_RETURN_IF_ERROR(put(
        kLedger, storage::UnpaidKey(program_id_, entry.partner_id, entry.id), EncodeUnpaid(entry)));
  }
  for (const auto& [partner, totals] : decision.put_partner_totals) {
    CLICKTRACK_RETURN_IF_ERROR(put(kCustomers, storage::PartnerTotalsKey(program_id_, partner),
                                   ToProto(totals).SerializeAsString()));
  }
  CLICKTRACK_RETURN_IF_ERROR(ApplyPaymentState(decision));
  for (const attribution::CounterDelta& delta : decision.counters) {
    counters.Add(storage::StatsKey(program_id_, delta.partner_id, delta.day, delta.counter).view(),
                 delta.delta);
  }
  for (const attribution::CohortDelta& delta : decision.cohort_counters) {
    counters.Add(
        storage::CohortKey(program_id_, delta.partner_id, delta.cohort, delta.month, delta.counter)
            .view(),
        delta.delta);
  }
  return absl::OkStatus();
}

absl::Status BatchView::ApplyPaymentState(const attribution::Decision& decision) {
  auto put = [&](const storage::KeyBuffer& key, absl::string_view value) {
    return FromRocksStatus(batch_.Put(families_[kRefunds], ToSlice(key.view()), ToSlice(value)));
  };
  for (const auto& [ref, order_id] : decision.put_payment_links) {
    CLICKTRACK_RETURN_IF_ERROR(put(storage::PaymentLinkKey(program_id_, ref), order_id));
  }
  for (const auto& [key, total] : decision.put_refund_totals) {
    const std::array<char, 8> bytes = storage::EncodeCounter(total);
    CLICKTRACK_RETURN_IF_ERROR(put(storage::RefundTotalKey(program_id_, key),
                                   absl::string_view(bytes.data(), bytes.size())));
  }
  if (!decision.put_source_event.empty()) {
    CLICKTRACK_RETURN_IF_ERROR(
        put(storage::SourceEventKey(program_id_, decision.put_source_event), ""));
  }
  return absl::OkStatus();
}

}  // namespace clicktrack::storage_internal
