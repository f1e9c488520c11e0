#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/hash/hash.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/merge_operator.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/write_batch_with_index.h"
#include "rocksdb/write_batch.h"

#include "attribution/base/status_macros.h"
#include "attribution/customer_alias.h"
#include "storage/internal/batch_view.h"
#include "storage/internal/click_records.h"
#include "storage/internal/counter_sums.h"
#include "storage/internal/families.h"
#include "storage/internal/info_log.h"
#include "storage/internal/record_codec.h"
#include "storage/internal/rocks_status.h"
#include "storage/internal/wal_check.h"
#include "storage/internal/write_recovery.h"
#include "storage/key_codec.h"
#include "storage/store.h"

namespace clicktrack::storage {
namespace {

using storage_internal::FromProto;
using storage_internal::FromRocksStatus;
using storage_internal::ToProto;
using storage_internal::ToSlice;
using storage_internal::ToView;

#if defined(__SANITIZE_THREAD__)
constexpr bool kThreadSanitizer = true;
#else
constexpr bool kThreadSanitizer = false;
#endif

// Every write of the store goes through here. RocksDB's write queue already applies writes one
// group at a time, but Debian's librocksdb is not instrumented, so ThreadSanitizer cannot see
// that order and reports a race between consecutive writers. A ThreadSanitizer build takes
// this lock, which TSan does see, in place of the queue; a normal build never takes it.
rocksdb::Status WriteToRocksDb(rocksdb::DB& db, const rocksdb::WriteOptions& options,
                               rocksdb::WriteBatch* batch) {
  if constexpr (kThreadSanitizer) {
    static std::mutex write_queue;
    std::lock_guard lock(write_queue);
    return db.Write(options, batch);
  }
  return db.Write(options, batch);
}

// Adds int64 counters (8 bytes little-endian). A malformed operand is skipped rather than
// failing the whole merge: counters are derived data and one bad value must not wedge reads.
class CounterAddOperator final : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice& /*key*/, const rocksdb::Slice* existing_value,
             const rocksdb::Slice& value, std::string* new_value,
             rocksdb::Logger* /*logger*/) const override {
    int64_t sum = 0;
    int64_t operand = 0;
    if (existing_value != nullptr && DecodeCounter(ToView(*existing_value), operand)) {
      sum = operand;
    }
    if (DecodeCounter(ToView(value), operand)) {
      sum += operand;
    }
    const auto bytes = EncodeCounter(sum);
    new_value->assign(bytes.data(), bytes.size());
    return true;
  }
  const char* Name() const override { return "clicktrack.CounterAdd"; }
};

using namespace storage_internal;  // NOLINT(google-build-using-namespace): Family names

// Links are looked up on every redirect from every thread: shard them so readers of
// different codes do not share a lock's cache line.
constexpr size_t kLinkShards = 16;
// Clicks of one customer are serialised by a striped lock while deciding uniqueness.
constexpr size_t kCustomerStripes = 64;

class RocksDbStore final : public Store {
 public:
  RocksDbStore(std::unique_ptr<rocksdb::DB> db, std::vector<rocksdb::ColumnFamilyHandle*> families,
               const StoreOptions& options)
      : db_(std::move(db)),
        families_(std::move(families)),
        ids_(options.ids),
        max_batch_(std::max<size_t>(1, options.max_batch)) {
    click_write_.sync = false;      // WAL on: a process crash loses nothing
    config_write_.sync = true;      // config changes are rare and must survive power loss
    conversion_write_.sync = true;  // acknowledged payments survive power loss
    recovery_ = std::make_unique<storage_internal::WriteRecovery>(*db_, last_write_failed_,
                                                                  std::chrono::seconds(1));
    committer_ = std::thread([this] { CommitterLoop(); });  // may call Track: after recovery_
  }

  ~RocksDbStore() override {
    {
      std::lock_guard lock(queue_mu_);
      stopping_ = true;
    }
    queue_ready_.notify_one();
    committer_.join();  // decides and writes what is queued, then returns
    recovery_.reset();
    (void)Flush();
    for (rocksdb::ColumnFamilyHandle* family : families_) {
      (void)db_->DestroyColumnFamilyHandle(family);
    }
    (void)db_->Close();
  }

  RocksDbStore(const RocksDbStore&) = delete;
  RocksDbStore& operator=(const RocksDbStore&) = delete;

  absl::Status LoadConfig();

  absl::Status PutProgram(const attribution::Program& program) override;
  ProgramRef GetProgram(absl::string_view program_id) const override;
  absl::Status PutPartner(const attribution::Partner& partner) override;
  PartnerRef GetPartner(absl::string_view program_id, absl::string_view partner_id) const override;
  std::vector<attribution::Partner> ListPartners(absl::string_view program_id) const override;
  absl::Status CreateLink(const attribution::Link& link) override;
  absl::Status UpdateLink(const attribution::Link& link) override;
  std::optional<attribution::Link> GetLink(absl::string_view code) const override;
  bool VisitActiveLink(absl::string_view code,
                       absl::FunctionRef<void(const CachedLink&)> visit) const override;
  absl::Status RecordClicks(absl::Span<attribution::Click> clicks) override;
  absl::StatusOr<std::optional<attribution::Click>> GetClick(
      const attribution::Ulid& click_id) const override;
  absl::StatusOr<StatsTotals> ReadStats(absl::string_view program_id, absl::string_view partner_id,
                                        absl::CivilDay from, absl::CivilDay to) const override;
  void SubmitConversion(std::string program_id, attribution::ConversionEvent event,
                        ConversionCallback done) override;
  CommitterStats committer_stats() const override {
    return CommitterStats{.batches = batches_.load(std::memory_order_relaxed),
                          .events = events_.load(std::memory_order_relaxed)};
  }
  absl::StatusOr<std::optional<attribution::CustomerState>> GetCustomer(
      absl::string_view program_id, const attribution::Ulid& customer) const override;
  absl::StatusOr<std::optional<attribution::CustomerState>> FindCustomerByRef(
      absl::string_view program_id, absl::string_view customer_ref) const override;
  absl::StatusOr<std::optional<attribution::Conversion>> GetConversion(
      absl::string_view program_id, absl::string_view order_id) const override;
  absl::StatusOr<LedgerPage> ListLedger(absl::string_view program_id, absl::string_view partner_id,
                                        std::optional<attribution::Ulid> before,
                                        size_t limit) const override;
  bool IsWritable() const override;
  absl::Status CompactAll() override;
  uint64_t SstBytes() const override;
  BackgroundWork PendingBackgroundWork() const override;
  absl::Status Flush() override;

 private:
  struct LinkShard {
    mutable std::shared_mutex mu;
    absl::flat_hash_map<std::string, std::unique_ptr<const CachedLink>> links;  // under mu
  };

  LinkShard& ShardFor(absl::string_view code) const {
    return link_shards_[absl::HashOf(code) % kLinkShards];
  }
  void CacheLink(const attribution::Link& link);
  absl::Status WriteConfig(const KeyBuffer& key, const std::string& value);
  absl::StatusOr<bool> HadUniqueClick(const attribution::Click& click) const;
  absl::Status Track(absl::Status status) {
    if (!status.ok()) {
      last_write_failed_.store(true, std::memory_order_relaxed);
      recovery_->OnWriteFailed();
    } else {
      last_write_failed_.store(false, std::memory_order_relaxed);
    }
    return status;
  }

  struct PendingConversion {
    std::string program_id;
    attribution::ConversionEvent event;
    ConversionCallback done;
  };
  void CommitterLoop();
  absl::StatusOr<attribution::Decision> Decide(const PendingConversion& pending,
                                               rocksdb::WriteBatchWithIndex& batch,
                                               CounterSums& counters);
  absl::StatusOr<std::optional<std::string>> GetValue(size_t family, absl::string_view key) const;
  absl::StatusOr<bool> HasConversions(absl::string_view program_id) const;

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> families_;
  attribution::IdSource* const ids_;
  const size_t max_batch_;
  rocksdb::WriteOptions click_write_;
  rocksdb::WriteOptions config_write_;
  rocksdb::WriteOptions conversion_write_;

  // The committer: the only writer of conversion state.
  // Standard-library locks throughout, not absl::Mutex: ThreadSanitizer sees them through
  // pthreads, while Debian's Abseil is not instrumented.
  std::mutex queue_mu_;
  std::condition_variable queue_ready_;
  std::deque<PendingConversion> queue_;  // under queue_mu_
  bool stopping_ = false;                // under queue_mu_
  std::atomic<uint64_t> batches_{0};
  std::atomic<uint64_t> events_{0};
  std::thread committer_;
  std::atomic<bool> last_write_failed_{false};
  std::unique_ptr<storage_internal::WriteRecovery> recovery_;  // after the flag it clears

  // Serialises config writes, so that check-then-write (duplicate codes, unknown partners)
  // is atomic. Never held on the redirect path.
  std::mutex config_write_mu_;

  mutable std::shared_mutex config_mu_;
  std::map<std::string, ProgramRef, std::less<>> programs_;  // under config_mu_
  // Keyed by (program id, partner id); ordered so that listing a program's partners is a range.
  std::map<std::pair<std::string, std::string>, PartnerRef> partners_;  // under config_mu_

  mutable std::array<LinkShard, kLinkShards> link_shards_;
  mutable std::array<std::mutex, kCustomerStripes> customer_stripes_;
};

absl::Status RocksDbStore::LoadConfig() {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), families_[kConfig]));
  std::unique_lock lock(config_mu_);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const absl::string_view key = ToView(it->key());
    const rocksdb::Slice value = it->value();
    if (key.empty()) {
      continue;
    }
    switch (static_cast<uint8_t>(key.front())) {
      case kProgramTag: {
        proto::Program record;
        if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          return absl::DataLossError("unreadable program record");
        }
        CLICKTRACK_ASSIGN_OR_RETURN(attribution::Program program, FromProto(record));
        const std::string id = program.id;  // the right side is evaluated first
        programs_[id] = std::make_shared<const attribution::Program>(std::move(program));
        break;
      }
      case kPartnerTag: {
        proto::Partner record;
        if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          return absl::DataLossError("unreadable partner record");
        }
        attribution::Partner partner = FromProto(record);
        std::pair<std::string, std::string> key{partner.program_id, partner.id};
        partners_[std::move(key)] =
            std::make_shared<const attribution::Partner>(std::move(partner));
        break;
      }
      case kLinkTag: {
        proto::Link record;
        if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          return absl::DataLossError("unreadable link record");
        }
        CacheLink(FromProto(record));
        break;
      }
      default:
        break;  // a record kind of a newer version: keep it, ignore it
    }
  }
  return FromRocksStatus(it->status());
}

void RocksDbStore::CacheLink(const attribution::Link& link) {
  auto cached = std::make_unique<const CachedLink>(
      CachedLink{.link = link, .redirect = attribution::RedirectTemplate(link.destination)});
  LinkShard& shard = ShardFor(link.code);
  std::unique_lock lock(shard.mu);
  shard.links[link.code] = std::move(cached);
}

absl::Status RocksDbStore::WriteConfig(const KeyBuffer& key, const std::string& value) {
  rocksdb::WriteBatch batch;
  batch.Put(families_[kConfig], ToSlice(key.view()), value);
  return Track(FromRocksStatus(WriteToRocksDb(*db_, config_write_, &batch)));
}

absl::Status RocksDbStore::PutProgram(const attribution::Program& program) {
  std::lock_guard write_lock(config_write_mu_);
  if (const ProgramRef existing = GetProgram(program.id);
      existing != nullptr && !(existing->currency == program.currency)) {
    CLICKTRACK_ASSIGN_OR_RETURN(const bool has_conversions, HasConversions(program.id));
    if (has_conversions) {
      return absl::FailedPreconditionError(absl::StrCat(
          "currency: the program has conversions in ", existing->currency.Code(),
          "; it cannot change to ", program.currency.Code(), " (create a new program instead)"));
    }
  }
  CLICKTRACK_RETURN_IF_ERROR(
      WriteConfig(ProgramKey(program.id), ToProto(program).SerializeAsString()));
  std::unique_lock lock(config_mu_);
  programs_[program.id] = std::make_shared<const attribution::Program>(program);
  return absl::OkStatus();
}

absl::StatusOr<bool> RocksDbStore::HasConversions(absl::string_view program_id) const {
  const KeyBuffer prefix = ConversionPrefix(program_id);
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), families_[kConversions]));
  it->Seek(ToSlice(prefix.view()));
  if (it->Valid()) {
    return absl::StartsWith(ToView(it->key()), prefix.view());
  }
  CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(it->status()));
  return false;
}

Store::ProgramRef RocksDbStore::GetProgram(absl::string_view program_id) const {
  std::shared_lock lock(config_mu_);
  const auto it = programs_.find(program_id);
  return it == programs_.end() ? nullptr : it->second;
}

absl::Status RocksDbStore::PutPartner(const attribution::Partner& partner) {
  std::lock_guard write_lock(config_write_mu_);
  if (GetProgram(partner.program_id) == nullptr) {
    return absl::NotFoundError(absl::StrCat("program ", partner.program_id, " not found"));
  }
  CLICKTRACK_RETURN_IF_ERROR(WriteConfig(PartnerKey(partner.program_id, partner.id),
                                         ToProto(partner).SerializeAsString()));
  std::unique_lock lock(config_mu_);
  partners_[{partner.program_id, partner.id}] =
      std::make_shared<const attribution::Partner>(partner);
  return absl::OkStatus();
}

Store::PartnerRef RocksDbStore::GetPartner(absl::string_view program_id,
                                           absl::string_view partner_id) const {
  std::shared_lock lock(config_mu_);
  const auto it = partners_.find({std::string(program_id), std::string(partner_id)});
  return it == partners_.end() ? nullptr : it->second;
}

std::vector<attribution::Partner> RocksDbStore::ListPartners(absl::string_view program_id) const {
  std::vector<attribution::Partner> out;
  std::shared_lock lock(config_mu_);
  for (auto it = partners_.lower_bound({std::string(program_id), std::string()});
       it != partners_.end() && it->first.first == program_id; ++it) {
    out.push_back(*it->second);
  }
  return out;
}

absl::Status RocksDbStore::CreateLink(const attribution::Link& link) {
  std::lock_guard write_lock(config_write_mu_);
  if (GetProgram(link.program_id) == nullptr) {
    return absl::NotFoundError(absl::StrCat("program ", link.program_id, " not found"));
  }
  if (GetPartner(link.program_id, link.partner_id) == nullptr) {
    return absl::NotFoundError(absl::StrCat("partner ", link.partner_id, " not found"));
  }
  if (GetLink(link.code).has_value()) {
    return absl::AlreadyExistsError(absl::StrCat("link code ", link.code, " is taken"));
  }
  CLICKTRACK_RETURN_IF_ERROR(WriteConfig(LinkKey(link.code), ToProto(link).SerializeAsString()));
  CacheLink(link);
  return absl::OkStatus();
}

absl::Status RocksDbStore::UpdateLink(const attribution::Link& link) {
  std::lock_guard write_lock(config_write_mu_);
  const std::optional<attribution::Link> existing = GetLink(link.code);
  if (!existing.has_value() || existing->program_id != link.program_id) {
    return absl::NotFoundError(absl::StrCat("link ", link.code, " not found"));
  }
  CLICKTRACK_RETURN_IF_ERROR(WriteConfig(LinkKey(link.code), ToProto(link).SerializeAsString()));
  CacheLink(link);
  return absl::OkStatus();
}

std::optional<attribution::Link> RocksDbStore::GetLink(absl::string_view code) const {
  LinkShard& shard = ShardFor(code);
  std::shared_lock lock(shard.mu);
  const auto it = shard.links.find(code);
  if (it == shard.links.end()) {
    return std::nullopt;
  }
  return it->second->link;
}

bool RocksDbStore::VisitActiveLink(absl::string_view code,
                                   absl::FunctionRef<void(const CachedLink&)> visit) const {
  LinkShard& shard = ShardFor(code);
  std::shared_lock lock(shard.mu);
  const auto it = shard.links.find(code);
  if (it == shard.links.end() || !it->second->link.active) {
    return false;
  }
  visit(*it->second);
  return true;
}

absl::StatusOr<bool> RocksDbStore::HadUniqueClick(const attribution::Click& click) const {
  // The click that minted the customer has no customer_clicks entry.
  CLICKTRACK_ASSIGN_OR_RETURN(
      std::optional<attribution::Click> first,
      FindMintingClick(*db_, families_[kClicks], click.program_id, click.customer_id,
                       click.time - attribution::kUniqueClickPeriod, click.time));
  if (first.has_value() && first->unique && first->link_code == click.link_code) {
    return true;
  }
  const KeyBuffer prefix = CustomerClicksPrefix(click.program_id, click.customer_id);
  const KeyBuffer start =
      CustomerClickKey(click.program_id, click.customer_id,
                       click.time - attribution::kUniqueClickPeriod, attribution::Ulid{});
  rocksdb::ReadOptions read;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, families_[kCustomerClicks]));
  proto::CustomerClick entry;
  for (it->Seek(ToSlice(start.view())); it->Valid(); it->Next()) {
    const absl::string_view key = ToView(it->key());
    if (!absl::StartsWith(key, prefix.view())) {
      break;
    }
    CustomerClickKeyParts parts;
    if (!DecodeCustomerClickSuffix(key.substr(prefix.size()), parts) || parts.time > click.time) {
      break;
    }
    if (entry.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())) &&
        entry.unique() && entry.link_code() == click.link_code) {
      return true;
    }
  }
  CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(it->status()));
  return false;
}

absl::Status RocksDbStore::RecordClicks(absl::Span<attribution::Click> clicks) {
  // Returning customers' clicks are serialised by striped locks (taken in order, so batches
  // of different threads cannot deadlock) while uniqueness is decided and written. A customer
  // minted by this very request has no earlier click: no lock, no look-up.
  absl::InlinedVector<size_t, 16> stripes;
  for (const attribution::Click& click : clicks) {
    if (!click.new_customer) {
      stripes.push_back(absl::HashOf(click.customer_id.hi, click.customer_id.lo) %
                        kCustomerStripes);
    }
  }
  std::sort(stripes.begin(), stripes.end());
  stripes.erase(std::unique(stripes.begin(), stripes.end()), stripes.end());
  absl::InlinedVector<std::unique_lock<std::mutex>, 16> locks;
  for (const size_t stripe : stripes) {
    locks.emplace_back(customer_stripes_[stripe]);
  }

  // Kept by each thread that writes clicks (the event loops) and overwritten per click:
  // the records, the batch and the value buffer cost no allocation once warm.
  struct Scratch {
    rocksdb::WriteBatch batch;
    ClickScratch records;
  };
  thread_local Scratch scratch;
  rocksdb::WriteBatch& batch = scratch.batch;
  batch.Clear();
  // Counters are summed per key over the batch: one merge operand per key, not per click.
  CounterSums counters;
  for (size_t i = 0; i < clicks.size(); ++i) {
    attribution::Click& click = clicks[i];
    click.unique = false;
    if (!click.bot) {
      // An earlier click of this batch counts as much as a stored one.
      bool had_unique = std::any_of(
          clicks.begin(), clicks.begin() + static_cast<ptrdiff_t>(i),
          [&](const attribution::Click& earlier) {
            return earlier.unique && earlier.customer_id == click.customer_id &&
                   earlier.program_id == click.program_id && earlier.link_code == click.link_code &&
                   earlier.time + attribution::kUniqueClickPeriod > click.time;
          });
      if (!had_unique && !click.new_customer) {
        CLICKTRACK_ASSIGN_OR_RETURN(had_unique, HadUniqueClick(click));
      }
      click.unique = !had_unique;
    }
    AddClick(click, families_[kClicks], families_[kCustomerClicks], scratch.records, batch,
             counters);
  }
  counters.MergeInto(batch, families_[kStats]);
  return Track(FromRocksStatus(WriteToRocksDb(*db_, click_write_, &batch)));
}

absl::StatusOr<std::optional<attribution::Click>> RocksDbStore::GetClick(
    const attribution::Ulid& click_id) const {
  return ReadClick(*db_, families_[kClicks], click_id);
}

absl::StatusOr<StatsTotals> RocksDbStore::ReadStats(absl::string_view program_id,
                                                    absl::string_view partner_id,
                                                    absl::CivilDay from, absl::CivilDay to) const {
  StatsTotals totals;
  if (to < from) {
    return totals;
  }
  const KeyBuffer prefix = StatsPrefix(program_id, partner_id);
  KeyBuffer start = prefix;
  start.Int32(DayNumber(from));
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), families_[kStats]));
  for (it->Seek(ToSlice(start.view())); it->Valid(); it->Next()) {
    const absl::string_view key = ToView(it->key());
    if (!absl::StartsWith(key, prefix.view())) {
      break;
    }
    StatsKeyParts parts;
    if (!DecodeStatsSuffix(key.substr(prefix.size()), parts)) {
      continue;
    }
    if (parts.day > to) {
      break;
    }
    int64_t value = 0;
    if (parts.counter < totals.values.size() && DecodeCounter(ToView(it->value()), value)) {
      totals.values[parts.counter] += value;
    }
  }
  CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(it->status()));
  return totals;
}

void RocksDbStore::SubmitConversion(std::string program_id, attribution::ConversionEvent event,
                                    ConversionCallback done) {
  {
    std::lock_guard lock(queue_mu_);
    queue_.push_back(PendingConversion{
        .program_id = std::move(program_id), .event = std::move(event), .done = std::move(done)});
  }
  queue_ready_.notify_one();
}

absl::StatusOr<attribution::Decision> RocksDbStore::Decide(const PendingConversion& pending,
                                                           rocksdb::WriteBatchWithIndex& batch,
                                                           CounterSums& counters) {
  const ProgramRef program = GetProgram(pending.program_id);
  if (program == nullptr) {
    return absl::NotFoundError(absl::StrCat("program ", pending.program_id, " not found"));
  }
  BatchView view(*db_, batch, families_, pending.program_id,
                 [this, &pending](
                     absl::string_view partner_id) -> std::optional<attribution::CommissionRules> {
                   const PartnerRef partner = GetPartner(pending.program_id, partner_id);
                   if (partner == nullptr) {
                     return std::nullopt;
                   }
                   return partner->commission;
                 });
  CLICKTRACK_ASSIGN_OR_RETURN(attribution::Decision decision,
                              attribution::Attribute(*program, pending.event, view, *ids_));
  batch.SetSavePoint();
  if (absl::Status applied = view.Apply(decision, counters); !applied.ok()) {
    (void)batch.RollbackToSavePoint();  // none of this event's writes stay in the batch
    return applied;
  }
  (void)batch.PopSavePoint();
  return decision;
}

void RocksDbStore::CommitterLoop() {
  for (;;) {
    std::vector<PendingConversion> batch;
    {
      std::unique_lock lock(queue_mu_);
      queue_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) {
        return;  // stopping, and nothing left to decide
      }
      const size_t take = std::min(queue_.size(), max_batch_);
      batch.reserve(take);
      for (size_t i = 0; i < take; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    // Events are decided one after another, each reading the writes of those before it
    // through the batch's index; then one synced write makes them all durable at once.
    rocksdb::WriteBatchWithIndex writes(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true);
    CounterSums counters;
    std::vector<absl::StatusOr<attribution::Decision>> outcomes;
    outcomes.reserve(batch.size());
    for (const PendingConversion& pending : batch) {
      if (ids_ == nullptr) {
        outcomes.emplace_back(absl::InternalError("the store was opened without an id source"));
        continue;
      }
      outcomes.push_back(Decide(pending, writes, counters));
    }
    counters.MergeInto(writes, families_[kStats]);
    if (writes.GetWriteBatch()->Count() > 0) {
      const absl::Status written =
          Track(FromRocksStatus(WriteToRocksDb(*db_, conversion_write_, writes.GetWriteBatch())));
      if (!written.ok()) {
        // Nothing of the batch is stored: every event of it may be sent again.
        for (auto& outcome : outcomes) {
          if (outcome.ok()) {
            outcome = absl::UnavailableError(absl::StrCat(
                "the conversion could not be stored; retry (", written.message(), ")"));
          }
        }
      }
      batches_.fetch_add(1, std::memory_order_relaxed);
    }
    events_.fetch_add(batch.size(), std::memory_order_relaxed);
    for (size_t i = 0; i < batch.size(); ++i) {
      std::move(batch[i].done)(std::move(outcomes[i]));
    }
  }
}

absl::StatusOr<std::optional<std::string>> RocksDbStore::GetValue(size_t family,
                                                                  absl::string_view key) const {
  std::string value;
  const rocksdb::Status status =
      db_->Get(rocksdb::ReadOptions(), families_[family], ToSlice(key), &value);
  if (status.IsNotFound()) {
    return std::nullopt;
  }
  CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(status));
  return value;
}

absl::StatusOr<std::optional<attribution::CustomerState>> RocksDbStore::GetCustomer(
    absl::string_view program_id, const attribution::Ulid& customer) const {
  CLICKTRACK_ASSIGN_OR_RETURN(
      const attribution::Ulid id,
      attribution::SurvivingCustomer(
          customer,
          [&](const attribution::Ulid& from) -> absl::StatusOr<std::optional<attribution::Ulid>> {
            CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> alias,
                                        GetValue(kIdentities, AliasKey(program_id, from).view()));
            return alias.has_value() ? attribution::Ulid::FromBinary(*alias) : std::nullopt;
          }));
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> value,
                              GetValue(kCustomers, CustomerKey(program_id, id).view()));
  if (!value.has_value()) {
    return std::nullopt;
  }
  proto::Customer record;
  if (!record.ParseFromString(*value)) {
    return absl::DataLossError("unreadable customer record");
  }
  return FromProto(id, record);
}

absl::StatusOr<std::optional<attribution::CustomerState>> RocksDbStore::FindCustomerByRef(
    absl::string_view program_id, absl::string_view customer_ref) const {
  CLICKTRACK_ASSIGN_OR_RETURN(
      std::optional<std::string> id,
      GetValue(kIdentities, CustomerRefKey(program_id, customer_ref).view()));
  const std::optional<attribution::Ulid> customer =
      id.has_value() ? attribution::Ulid::FromBinary(*id) : std::nullopt;
  if (!customer.has_value()) {
    return std::nullopt;
  }
  return GetCustomer(program_id, *customer);
}

absl::StatusOr<std::optional<attribution::Conversion>> RocksDbStore::GetConversion(
    absl::string_view program_id, absl::string_view order_id) const {
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> value,
                              GetValue(kConversions, ConversionKey(program_id, order_id).view()));
  if (!value.has_value()) {
    return std::nullopt;
  }
  proto::Conversion record;
  if (!record.ParseFromString(*value)) {
    return absl::DataLossError("unreadable conversion record");
  }
  return FromProto(order_id, record);
}

absl::StatusOr<LedgerPage> RocksDbStore::ListLedger(absl::string_view program_id,
                                                    absl::string_view partner_id,
                                                    std::optional<attribution::Ulid> before,
                                                    size_t limit) const {
  const KeyBuffer prefix = LedgerPrefix(program_id, partner_id);
  KeyBuffer start = prefix;
  if (before.has_value()) {
    start.Ulid(*before);
  } else {
    start.Ulid(attribution::Ulid{.hi = ~uint64_t{0}, .lo = ~uint64_t{0}});
  }
  LedgerPage page;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), families_[kLedger]));
  it->SeekForPrev(ToSlice(start.view()));
  if (before.has_value() && it->Valid() && ToView(it->key()) == start.view()) {
    it->Prev();  // the cursor's own entry was on the previous page
  }
  proto::LedgerEntry record;
  for (; it->Valid(); it->Prev()) {
    const absl::string_view key = ToView(it->key());
    if (!absl::StartsWith(key, prefix.view())) {
      break;
    }
    const std::optional<attribution::Ulid> id =
        attribution::Ulid::FromBinary(key.substr(prefix.size()));
    if (!id.has_value()) {
      continue;
    }
    if (page.entries.size() == limit) {
      page.next_cursor = page.entries.back().id;
      break;
    }
    if (!record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      page.unreadable.push_back(*id);  // the rest of the ledger stays readable
      continue;
    }
    page.entries.push_back(FromProto(partner_id, *id, record));
  }
  CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(it->status()));
  return page;
}

bool RocksDbStore::IsWritable() const {
  uint64_t stopped = 0;
  if (db_->GetIntProperty(rocksdb::DB::Properties::kIsWriteStopped, &stopped) && stopped != 0) {
    return false;
  }
  return !last_write_failed_.load(std::memory_order_relaxed);
}

absl::Status RocksDbStore::CompactAll() {
  rocksdb::FlushOptions flush;
  flush.wait = true;
  CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(db_->Flush(flush, families_)));
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
  for (rocksdb::ColumnFamilyHandle* family : families_) {
    CLICKTRACK_RETURN_IF_ERROR(
        FromRocksStatus(db_->CompactRange(compact, family, nullptr, nullptr)));
  }
  return absl::OkStatus();
}

Store::BackgroundWork RocksDbStore::PendingBackgroundWork() const {
  // Jobs queued for a pool thread (which may not have had the core yet) or running.
  rocksdb::Env* env = db_->GetEnv();
  uint64_t running_flushes = 0;
  uint64_t running_compactions = 0;
  (void)db_->GetIntProperty("rocksdb.num-running-flushes", &running_flushes);
  (void)db_->GetIntProperty("rocksdb.num-running-compactions", &running_compactions);
  return BackgroundWork{
      .flush = env->GetThreadPoolQueueLen(rocksdb::Env::Priority::HIGH) > 0 || running_flushes > 0,
      .compaction =
          env->GetThreadPoolQueueLen(rocksdb::Env::Priority::LOW) > 0 || running_compactions > 0};
}

uint64_t RocksDbStore::SstBytes() const {
  uint64_t total = 0;
  for (rocksdb::ColumnFamilyHandle* family : families_) {
    uint64_t bytes = 0;
    if (db_->GetIntProperty(family, rocksdb::DB::Properties::kLiveSstFilesSize, &bytes)) {
      total += bytes;
    }
  }
  return total;
}

absl::Status RocksDbStore::Flush() {
  if (last_write_failed_.load()) {
    // The log's writer has seen an error: RocksDB 7.8 asserts on its next use. Whatever it
    // still holds was never acknowledged.
    return absl::UnavailableError("the store is not accepting writes; nothing to flush");
  }
  return FromRocksStatus(db_->FlushWAL(/*sync=*/true));
}

// Why the store at `path` did not open, for an operator: another trackerd holds it, or it is
// damaged (with the first damaged write-ahead log record named), or RocksDB's own reason.
absl::Status OpenError(const rocksdb::Status& status, const std::string& path) {
  if (status.IsIOError() && absl::StrContains(status.ToString(), "lock")) {
    return absl::FailedPreconditionError(absl::StrCat(
        "data directory ", path, " is in use by another trackerd (", status.ToString(), ")"));
  }
  if (status.IsCorruption()) {
    const std::optional<std::string> damage = storage_internal::FindWalDamage(path);
    return absl::DataLossError(absl::StrCat(
        "the store is damaged and was not opened (", status.ToString(), ")",
        damage.has_value() ? absl::StrCat("; first damaged write-ahead log record: ", *damage) : "",
        "; restore a backup, or move the damaged file away knowing that the writes in it and "
        "after it are lost"));
  }
  return FromRocksStatus(status);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenRocksDbStore(const StoreOptions& options) {
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.IncreaseParallelism(2);
  db_options.max_background_jobs = 2;
  // A write-ahead log damaged in the middle refuses to open: the default (point in time)
  // replays up to the damage and silently drops every acknowledged write after it. Only a
  // torn last record, which no acknowledged write can be, is tolerated.
  db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  db_options.paranoid_checks = true;
  // RocksDB's own diagnostic log, written so that a full disk cannot abort the process.
  db_options.info_log = storage_internal::OpenInfoLog(options.path, /*keep_old=*/5);
  // Flushes and compactions run under SCHED_IDLE: on a core that also serves requests, a
  // background thread at normal priority keeps the core for a whole scheduler tick (4 ms) and
  // that is the p99. They get the time the event loops leave idle, and on a saturated core
  // the pauses the loops make for them while PendingBackgroundWork() says they have work
  // (tracker/background_yield.h; bench/load/sustained.sh, docs/performance.md).
  (void)db_options.env->LowerThreadPoolCPUPriority(rocksdb::Env::Priority::HIGH,
                                                   rocksdb::CpuPriority::kIdle);
  (void)db_options.env->LowerThreadPoolCPUPriority(rocksdb::Env::Priority::LOW,
                                                   rocksdb::CpuPriority::kIdle);

  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.format_version = 5;

  rocksdb::ColumnFamilyOptions family_options;
  family_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // Levels sized from the last one up: most data sits in the last level, compressed with zstd,
  // whatever the store's size. With static level sizes a young store kept its data in L1 or
  // L2, and whether that was the bottommost level (zstd) or not (uncompressed) depended on a
  // background compaction's timing: 50.6 to 79.6 bytes per click for the same 10 M clicks.
  family_options.level_compaction_dynamic_level_bytes = true;
  // Four 32 MB memtables per family instead of two of 64 MB: the same memory, but a flush that
  // only runs in the loops' pauses has three memtables' time before writes would stop.
  family_options.write_buffer_size = 32 << 20;
  family_options.max_write_buffer_number = 4;
  // L0 (fresh flushes) uncompressed; levels between L0 and the last one (with dynamic sizes,
  // entries after the first count from the level L0 merges into) LZ4; the last one zstd.
  family_options.compression_per_level = {rocksdb::kNoCompression,  rocksdb::kLZ4Compression,
                                          rocksdb::kLZ4Compression, rocksdb::kLZ4Compression,
                                          rocksdb::kLZ4Compression, rocksdb::kLZ4Compression,
                                          rocksdb::kLZ4Compression};
  family_options.bottommost_compression = rocksdb::kZSTD;
  // zstd level 1: every compaction of a young store writes the last level, so its cost is
  // paid per click (level 3: 49.3 bytes/click, level 1: 50.5, ~3 % more redirects sustained).
  family_options.bottommost_compression_opts.enabled = true;
  family_options.bottommost_compression_opts.level = 1;

  // Families only ever read by range (a customer's clicks, stats, the ledger) need no bloom
  // filter: building one costs every flush and compaction CPU and every click a byte on disk.
  rocksdb::BlockBasedTableOptions range_table = table;
  range_table.filter_policy.reset();
  const std::shared_ptr<rocksdb::TableFactory> range_factory(
      rocksdb::NewBlockBasedTableFactory(range_table));

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (size_t i = 0; i < kFamilyCount; ++i) {
    rocksdb::ColumnFamilyOptions opts = family_options;
    if (i == kCustomerClicks || i == kStats || i == kLedger) {
      opts.table_factory = range_factory;
    }
    if (i == kStats) {
      opts.merge_operator = std::make_shared<CounterAddOperator>();
    }
    if (i == kConversions || i == kCustomers || i == kIdentities) {
      // The committer looks up every new order id, customer and identity, and most are not
      // there yet: a whole-key bloom filter over the memtable answers those misses without
      // walking the skip list (SST files have theirs from `table.filter_policy`).
      opts.memtable_whole_key_filtering = true;
      opts.memtable_prefix_bloom_size_ratio = 0.02;
    }
    descriptors.emplace_back(kFamilyNames[i], opts);
  }

  rocksdb::DB* raw = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  const rocksdb::Status status =
      rocksdb::DB::Open(rocksdb::DBOptions(db_options), options.path, descriptors, &handles, &raw);
  if (!status.ok()) {
    return OpenError(status, options.path);
  }
  auto store = std::make_unique<RocksDbStore>(std::unique_ptr<rocksdb::DB>(raw), std::move(handles),
                                              options);
  CLICKTRACK_RETURN_IF_ERROR(store->LoadConfig());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace clicktrack::storage
