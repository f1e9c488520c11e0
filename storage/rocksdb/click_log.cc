#include "storage/rocksdb/click_log.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/hash/hash.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

#include "attribution/base/status_macros.h"
#include "storage/internal/click_index_recovery.h"
#include "storage/internal/click_records.h"
#include "storage/internal/counter_sums.h"
#include "storage/internal/record_codec.h"
#include "storage/internal/rocks_status.h"
#include "storage/key_codec.h"
#include "storage/store_errors.h"

namespace clicktrack::storage_internal {

using storage::KeyBuffer;

RocksDbClickLog::RocksDbClickLog(Database& database) : database_(database) { write_.sync = false; }

RocksDbClickLog::~RocksDbClickLog() {
  rocksdb::WriteBatch batch;
  for (size_t left = pending_.size(); left > 0;) {
    batch.Clear();
    if (!WriteWithRun(batch, absl::InfiniteFuture(), /*drain=*/true).ok() ||
        pending_.size() >= left) {
      return;  // the watermark stays where it was: the next start derives the rest
    }
    left = pending_.size();
  }
  batch.Clear();
  PutClickIndexComplete(batch, database_);
  (void)database_.Write(write_, &batch);
}

absl::StatusOr<storage::OpenRecovery> RocksDbClickLog::Recover() {
  const absl::Time now = absl::Now();
  CLICKTRACK_ASSIGN_OR_RETURN(const std::optional<size_t> read, RecoverClickIndex(database_, now));
  pending_.Start(now);
  return storage::OpenRecovery{.click_index = read.has_value(), .clicks_read = read.value_or(0)};
}

absl::Status RocksDbClickLog::WriteWithRun(rocksdb::WriteBatch& batch, absl::Time now, bool drain) {
  const std::optional<PendingClickIndex::Run> run = pending_.TakeRun(now, drain);
  if (run.has_value()) {
    rocksdb::ColumnFamilyHandle* customer_clicks = database_.family(kCustomerClicks);
    for (const PendingClickIndex::Map::const_iterator it : run->entries) {
      batch.Put(customer_clicks, it->first, it->second.value);
    }
    PutClickIndexWatermark(run->watermark, batch, database_);
  }
  const absl::Status written = database_.Write(write_, &batch);
  if (run.has_value()) {
    pending_.Finish(*run, written.ok());
  }
  return written;
}

absl::InlinedVector<std::unique_lock<std::mutex>, 16> RocksDbClickLog::LockCustomers(
    absl::Span<const attribution::Click> clicks) const {
  absl::InlinedVector<size_t, 16> stripes;
  for (const attribution::Click& click : clicks) {
    if (!click.new_customer) {
      stripes.push_back(StripeOf(click));
    }
  }
  std::sort(stripes.begin(), stripes.end());
  stripes.erase(std::unique(stripes.begin(), stripes.end()), stripes.end());
  absl::InlinedVector<std::unique_lock<std::mutex>, 16> locks;
  for (const size_t stripe : stripes) {
    locks.emplace_back(customer_stripes_[stripe]);
  }
  return locks;
}

size_t RocksDbClickLog::StripeOf(const attribution::Click& click) {
  return absl::HashOf(click.customer_id.hi, click.customer_id.lo) % kCustomerStripes;
}

absl::Status RocksDbClickLog::RecordClicks(absl::Span<attribution::Click> clicks) {
  // Uniqueness is decided and written under the customers' locks.
  const auto locks = LockCustomers(clicks);
  // Kept by each thread that writes clicks (the event loops) and overwritten per click:
  // the records, the batch and the value buffer cost no allocation once warm.
  struct Scratch {
    rocksdb::WriteBatch batch;
    ClickScratch records;
    std::vector<PendingClickIndex::Entry> entries;
    std::vector<std::string> shipped;  // the clicks' encoded records, for the ship log
  };
  thread_local Scratch scratch;
  rocksdb::WriteBatch& batch = scratch.batch;
  batch.Clear();
  scratch.entries.clear();
  // Counters are summed per key over the batch: one merge operand per key, not per click.
  CounterSums counters;
  absl::Time earliest = absl::InfiniteFuture();
  absl::Time latest = absl::InfinitePast();
  for (size_t i = 0; i < clicks.size(); ++i) {
    attribution::Click& click = clicks[i];
    click.unique = false;
    if (!click.bot) {
      CLICKTRACK_ASSIGN_OR_RETURN(const bool had_unique, HadUniqueClick(clicks, i));
      click.unique = !had_unique;
    }
    AddClick(click, database_.family(kClicks), scratch.records, batch, counters);
    if (ship_log_ != nullptr) {
      scratch.shipped.resize(std::max(scratch.shipped.size(), i + 1));
      scratch.shipped[i] = scratch.records.value;
    }
    earliest = std::min(earliest, click.time);
    latest = std::max(latest, click.time);
  }
  counters.MergeInto(batch, database_.family(kStats));
  // Returning visitors' entries are pending from the moment their clicks are stored, and no
  // watermark passes them before that; one of a click already behind a watermark is stored
  // with it.
  const PendingClickIndex::Write write = pending_.BeginWrite(earliest);
  for (const attribution::Click& click : clicks) {
    if (HasCustomerClickEntry(click)) {
      PendingClickIndex::Entry entry = CustomerClickEntry(click, scratch.records);
      if (click.time < write.horizon) {
        batch.Put(database_.family(kCustomerClicks), entry.key, entry.value);
      } else {
        scratch.entries.push_back(std::move(entry));
      }
    }
  }
  const uint64_t shipped_first =
      ship_log_ == nullptr ? 0 : ship_log_->AddClicks(clicks, scratch.shipped, batch);
  const absl::Status written = WriteWithRun(batch, latest);
  if (ship_log_ != nullptr) {
    ship_log_->EndWrite(shipped_first, clicks.size(), written.ok());
  }
  pending_.EndWrite(write.ticket, written.ok(), scratch.entries);
  CLICKTRACK_RETURN_IF_ERROR(written);
  for (const attribution::Click& click : clicks) {
    if (click.unique && !click.new_customer) {  // a new customer's stripe is not locked
      unique_memory_[StripeOf(click)].Stored(click.customer_id, click.link_code, click.time);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> RocksDbClickLog::HadUniqueClick(absl::Span<const attribution::Click> clicks,
                                                     size_t i) const {
  const attribution::Click& click = clicks[i];
  // An earlier click of this batch counts as much as a stored one.
  const bool in_batch = std::any_of(clicks.begin(), clicks.begin() + static_cast<ptrdiff_t>(i),
                                    [&](const attribution::Click& earlier) {
                                      return attribution::RepeatsUniqueClick(earlier, click);
                                    });
  if (in_batch || click.new_customer) {
    return in_batch;
  }
  UniqueClickMemory& memory = unique_memory_[StripeOf(click)];
  if (const std::optional<bool> known = memory.HadUniqueClick(
          click.customer_id, click.link_code, click.time, attribution::kUniqueClickPeriod)) {
    return *known;
  }
  CLICKTRACK_ASSIGN_OR_RETURN(const std::optional<absl::Time> found, FindStoredUniqueClick(click));
  memory.Learn(click.customer_id, click.link_code, click.time - attribution::kUniqueClickPeriod,
               found);
  return found.has_value();
}

absl::StatusOr<std::optional<absl::Time>> RocksDbClickLog::FindStoredUniqueClick(
    const attribution::Click& click) const {
  // The click that minted the customer has no customer_clicks entry.
  CLICKTRACK_ASSIGN_OR_RETURN(
      std::optional<attribution::Click> first,
      FindMintingClick(database_.db(), database_.family(kClicks), click.program_id,
                       click.customer_id, click.time - attribution::kUniqueClickPeriod,
                       click.time));
  if (first.has_value() && first->unique && first->link_code == click.link_code) {
    return first->time;
  }
  std::optional<absl::Time> found;
  storage::proto::CustomerClick entry;
  CLICKTRACK_RETURN_IF_ERROR(VisitCustomerClicks(
      database_.db(), database_.family(kCustomerClicks), pending_, click.program_id,
      click.customer_id, click.time - attribution::kUniqueClickPeriod, click.time,
      [&](const storage::CustomerClickKeyParts& parts, absl::string_view value) {
        if (ParseRecord(value, entry, "customer click").ok() && entry.unique() &&
            entry.link_code() == click.link_code) {
          found = parts.time;
          return false;
        }
        return true;
      }));
  return found;
}

absl::StatusOr<attribution::Click> RocksDbClickLog::GetClick(
    const attribution::Ulid& click_id) const {
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<attribution::Click> click,
                              ReadClick(database_.db(), database_.family(kClicks), click_id));
  if (!click.has_value()) {
    return storage::ClickNotFound(click_id);
  }
  return *std::move(click);
}

absl::StatusOr<std::vector<bool>> RocksDbClickLog::ImportClicks(
    absl::Span<attribution::Click> clicks, absl::Span<const std::string> import_ids) {
  std::lock_guard lock(import_mu_);  // one import's look-ups and writes at a time
  rocksdb::WriteBatch batch;
  ClickScratch records;
  CounterSums counters;
  std::vector<bool> stored(clicks.size(), false);
  absl::flat_hash_set<std::string> in_batch;
  for (size_t i = 0; i < clicks.size(); ++i) {
    attribution::Click& click = clicks[i];
    const KeyBuffer key = storage::ImportedClickKey(click.program_id, import_ids[i]);
    CLICKTRACK_ASSIGN_OR_RETURN(const std::optional<std::string> seen,
                                database_.Get(kIdentities, key.view()));
    if (seen.has_value() || !in_batch.insert(std::string(key.view())).second) {
      continue;
    }
    click.new_customer = true;
    click.customer_id = click.id;
    click.unique = !click.bot;
    AddClick(click, database_.family(kClicks), records, batch, counters);
    const auto id = click.id.Binary();
    CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(batch.Put(
        database_.family(kIdentities), ToSlice(key.view()), rocksdb::Slice(id.data(), id.size()))));
    stored[i] = true;
  }
  counters.MergeInto(batch, database_.family(kStats));
  CLICKTRACK_RETURN_IF_ERROR(database_.Write(write_, &batch));
  // Unique clicks went past the stripes' memories: they start again from the store.
  for (size_t stripe = 0; stripe < kCustomerStripes; ++stripe) {
    std::lock_guard stripe_lock(customer_stripes_[stripe]);
    unique_memory_[stripe].Forget();
  }
  return stored;
}

absl::StatusOr<std::optional<attribution::Ulid>> RocksDbClickLog::FindImportedClick(
    absl::string_view program_id, absl::string_view import_id) const {
  CLICKTRACK_ASSIGN_OR_RETURN(
      const std::optional<std::string> id,
      database_.Get(kIdentities, storage::ImportedClickKey(program_id, import_id).view()));
  return id.has_value() ? attribution::Ulid::FromBinary(*id) : std::nullopt;
}

}  // namespace clicktrack::storage_internal
