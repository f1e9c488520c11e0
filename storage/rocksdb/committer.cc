#include "storage/rocksdb/committer.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

#include "attribution/base/status_macros.h"
#include "storage/internal/batch_view.h"
#include "storage/internal/click_records.h"
#include "storage/internal/outbox_records.h"
#include "storage/internal/payouts.h"
#include "storage/internal/rocks_status.h"

namespace clicktrack::storage_internal {
namespace {

// What a batch leaves behind, as one WriteBatch: family by family in key order, a key's last
// Put or Delete only (the index overwrites them), merges in the order they came. A customer's
// record or a partner's totals rewritten by every sale of a batch reach the memtable once, and
// keys in order let the memtable insert each next to the one before. The cache learns each
// Put and Delete of the families it keeps.
absl::Status CollapseWrites(rocksdb::WriteBatchWithIndex& writes,
                            const std::vector<rocksdb::ColumnFamilyHandle*>& families,
                            RecordCache& cache, rocksdb::WriteBatch& out) {
  for (size_t i = 0; i < families.size(); ++i) {
    const auto family = static_cast<Family>(i);
    const bool cached = RecordCache::Keeps(family);
    std::unique_ptr<rocksdb::WBWIIterator> it(writes.NewIterator(families[i]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const rocksdb::WriteEntry entry = it->Entry();
      rocksdb::Status added;
      switch (entry.type) {
        case rocksdb::kPutRecord:
          added = out.Put(families[i], entry.key, entry.value);
          if (cached) {
            cache.Update(family, ToView(entry.key), ToView(entry.value));
          }
          break;
        case rocksdb::kMergeRecord:
          added = out.Merge(families[i], entry.key, entry.value);
          break;
        case rocksdb::kDeleteRecord:
        case rocksdb::kSingleDeleteRecord:
          added = entry.type == rocksdb::kDeleteRecord ? out.Delete(families[i], entry.key)
                                                       : out.SingleDelete(families[i], entry.key);
          if (cached) {
            cache.Update(family, ToView(entry.key), std::nullopt);
          }
          break;
        default:  // no decision writes ranges
          return absl::InternalError("a committer batch holds a record of an unexpected kind");
      }
      CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(added));
    }
  }
  return absl::OkStatus();
}

}  // namespace

RocksDbCommitter::RocksDbCommitter(Database& database, const storage::ConfigStore& config,
                                   const PendingClickIndex& pending_clicks,
                                   attribution::IdSource* ids, size_t max_batch)
    : database_(database),
      config_(config),
      pending_clicks_(pending_clicks),
      ids_(ids),
      max_batch_(std::max<size_t>(1, max_batch)),
      compactor_(database.db()) {
  write_.sync = true;
  thread_ = std::thread([this] { Loop(); });
}

RocksDbCommitter::~RocksDbCommitter() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  queue_ready_.notify_one();
  thread_.join();
}

void RocksDbCommitter::SubmitConversion(std::string program_id, attribution::ConversionEvent event,
                                        storage::ConversionCallback done) {
  Enqueue(Pending{.program_id = std::move(program_id),
                  .work = PendingConversion{.event = std::move(event), .done = std::move(done)}});
}

void RocksDbCommitter::SubmitPayout(std::string program_id, std::vector<std::string> partner_ids,
                                    attribution::PayoutOrder order, storage::PayoutCallback done) {
  Enqueue(Pending{.program_id = std::move(program_id),
                  .work = PendingPayout{.partner_ids = std::move(partner_ids),
                                        .order = std::move(order),
                                        .done = std::move(done)}});
}

void RocksDbCommitter::Enqueue(Pending pending) {
  {
    std::lock_guard lock(queue_mu_);
    queue_.push_back(std::move(pending));
  }
  queue_ready_.notify_one();
}

storage::CommitterStats RocksDbCommitter::committer_stats() const {
  uint64_t queued = 0;
  {
    std::lock_guard lock(queue_mu_);
    queued = queue_.size();
  }
  return cells_.Snapshot(queued);
}

void RocksDbCommitter::Loop() {
  for (;;) {
    std::vector<Pending> batch = TakeBatch();
    if (batch.empty()) {
      return;  // stopping, and nothing left to decide
    }
    CommitBatch(batch);
  }
}

std::vector<RocksDbCommitter::Pending> RocksDbCommitter::TakeBatch() {
  std::unique_lock lock(queue_mu_);
  queue_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
  const size_t take = std::min(queue_.size(), max_batch_);
  std::vector<Pending> batch;
  batch.reserve(take);
  for (size_t i = 0; i < take; ++i) {
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return batch;
}

void RocksDbCommitter::CommitBatch(std::vector<Pending>& batch) {
  // Events are decided one after another, each reading the writes of those before it through
  // the batch's index; then one synced write makes them all durable at once.
  rocksdb::WriteBatchWithIndex writes(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true);
  CounterSums counters;
  std::vector<Outcome> outcomes;
  outcomes.reserve(batch.size());
  std::vector<attribution::Currency> currencies(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    outcomes.push_back(Decide(batch[i], writes, counters, currencies[i]));
  }
  counters.MergeInto(writes, database_.family(kStats));
  bool durable = true;
  if (writes.GetWriteBatch()->Count() > 0) {
    rocksdb::WriteBatch collapsed;
    absl::Status written = CollapseWrites(writes, database_.families(), cache_, collapsed);
    if (written.ok()) {
      const absl::Time started = absl::Now();  // the synced write alone (/metrics)
      written = database_.Write(write_, &collapsed);
      cells_.ObserveWrite(batch.size(),
                          static_cast<uint64_t>(absl::ToInt64Microseconds(absl::Now() - started)));
    }
    durable = written.ok();
    if (!written.ok()) {
      cache_.Forget();  // it learnt writes that did not happen
      // Nothing of the batch is stored: every event of it may be sent again.
      const absl::Status lost = absl::UnavailableError(
          absl::StrCat("the write could not be stored; retry (", written.message(), ")"));
      for (Outcome& outcome : outcomes) {
        std::visit(
            [&](auto& result) {
              if (result.ok()) {
                result = lost;
              }
            },
            outcome);
      }
    }
  }
  cells_.ObserveEvents(batch.size());
  if (durable) {
    ObserveDecisions(outcomes, currencies);
    CompactSettledRanges(batch, outcomes);
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    if (auto* conversion = std::get_if<PendingConversion>(&batch[i].work)) {
      std::move(conversion->done)(
          std::get<absl::StatusOr<attribution::Decision>>(std::move(outcomes[i])));
    } else {
      std::move(std::get<PendingPayout>(batch[i].work).done)(
          std::get<absl::StatusOr<attribution::PayoutOutcome>>(std::move(outcomes[i])));
    }
  }
}

void RocksDbCommitter::CompactSettledRanges(const std::vector<Pending>& batch,
                                            const std::vector<Outcome>& outcomes) {
  for (size_t i = 0; i < batch.size(); ++i) {
    const auto* outcome = std::get_if<absl::StatusOr<attribution::PayoutOutcome>>(&outcomes[i]);
    if (outcome == nullptr || !outcome->ok() || (*outcome)->replayed) {
      continue;
    }
    for (const attribution::Payout& payout : (*outcome)->payouts) {
      if (payout.entries >= kCompactAfterSettling) {
        const storage::KeyBuffer prefix =
            storage::UnpaidPrefix(batch[i].program_id, payout.partner_id);
        // Every key of the prefix: the prefix and a 16-byte entry id.
        compactor_.Request(database_.family(kLedger), std::string(prefix.view()),
                           absl::StrCat(prefix.view(), std::string(17, '\xff')));
      }
    }
  }
}

void RocksDbCommitter::ObserveDecisions(const std::vector<Outcome>& outcomes,
                                        const std::vector<attribution::Currency>& currencies) {
  for (size_t i = 0; i < outcomes.size(); ++i) {
    const auto* decision = std::get_if<absl::StatusOr<attribution::Decision>>(&outcomes[i]);
    if (decision != nullptr && decision->ok()) {
      cells_.ObserveDecision(currencies[i].Code(), **decision);
    }
  }
}

RocksDbCommitter::Outcome RocksDbCommitter::Decide(const Pending& pending,
                                                   rocksdb::WriteBatchWithIndex& writes,
                                                   CounterSums& counters,
                                                   attribution::Currency& currency) {
  if (const auto* conversion = std::get_if<PendingConversion>(&pending.work)) {
    return DecideConversion(pending.program_id, conversion->event, writes, counters, currency);
  }
  const auto& payout = std::get<PendingPayout>(pending.work);
  if (ids_ == nullptr) {
    return absl::StatusOr<attribution::PayoutOutcome>(
        absl::InternalError("the store was opened without an id source"));
  }
  writes.SetSavePoint();
  CounterSums paid;  // kept only if the payout is
  absl::StatusOr<attribution::PayoutOutcome> outcome =
      CarryOutPayout(database_.db(), writes, database_.family(kLedger), pending.program_id,
                     payout.partner_ids, payout.order, *ids_, paid);
  if (!outcome.ok()) {
    (void)writes.RollbackToSavePoint();
    return outcome;
  }
  (void)writes.PopSavePoint();
  counters.AddAll(paid);
  return outcome;
}

absl::StatusOr<attribution::Decision> RocksDbCommitter::DecideConversion(
    const std::string& program_id, const attribution::ConversionEvent& event,
    rocksdb::WriteBatchWithIndex& writes, CounterSums& counters, attribution::Currency& currency) {
  if (ids_ == nullptr) {
    return absl::InternalError("the store was opened without an id source");
  }
  CLICKTRACK_ASSIGN_OR_RETURN(const storage::ConfigStore::ProgramRef program,
                              config_.GetProgram(program_id));
  currency = program->currency;
  const auto partner_rules =
      [&](absl::string_view partner_id) -> std::optional<attribution::CommissionRules> {
    absl::StatusOr<storage::ConfigStore::PartnerRef> partner =
        config_.GetPartner(program_id, partner_id);
    return partner.ok() ? std::optional((*partner)->commission) : std::nullopt;
  };
  BatchView view(database_.db(), writes, database_.families(), cache_, pending_clicks_, program_id,
                 partner_rules);
  CLICKTRACK_ASSIGN_OR_RETURN(attribution::Decision decision,
                              attribution::Attribute(*program, event, view, *ids_));
  writes.SetSavePoint();
  absl::Status applied = view.Apply(decision, counters);
  if (applied.ok()) {
    applied = AddDeliveries(*program, decision, writes);
  }
  if (!applied.ok()) {
    (void)writes.RollbackToSavePoint();  // none of this event's writes stay in the batch
    return applied;
  }
  (void)writes.PopSavePoint();
  return decision;
}

absl::Status RocksDbCommitter::AddDeliveries(const attribution::Program& program,
                                             const attribution::Decision& decision,
                                             rocksdb::WriteBatchWithIndex& writes) {
  if (decision.ledger.empty() || !decision.conversion.has_value()) {
    return absl::OkStatus();
  }
  const attribution::Conversion& conversion = *decision.conversion;
  std::optional<attribution::Click> click;
  bool click_read = false;
  for (const attribution::LedgerEntry& entry : decision.ledger) {
    absl::StatusOr<storage::ConfigStore::PartnerRef> partner =
        config_.GetPartner(program.id, entry.partner_id);
    if (!partner.ok() || (*partner)->postback_url.empty()) {
      continue;
    }
    if (!click_read && conversion.click_id.has_value()) {
      CLICKTRACK_ASSIGN_OR_RETURN(
          click, ReadClick(database_.db(), database_.family(kClicks), *conversion.click_id));
      click_read = true;
    }
    const attribution::Delivery delivery = attribution::NewDelivery(
        ids_->NewId(entry.created_at), program.id, (*partner)->postback_url, entry, conversion,
        click ? &*click : nullptr, program.currency);
    CLICKTRACK_RETURN_IF_ERROR(PutDelivery(writes, database_.families(), delivery, std::nullopt));
  }
  return absl::OkStatus();
}

}  // namespace clicktrack::storage_internal
