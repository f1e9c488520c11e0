#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/merge_operator.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"

#include "attribution/status_macros.h"
#include "storage/internal/record_codec.h"
#include "storage/internal/rocks_status.h"
#include "storage/key_codec.h"
#include "storage/store.h"

namespace clicktrack::storage {
namespace {

using storage_internal::FromProto;
using storage_internal::FromRocksStatus;
using storage_internal::ToProto;

rocksdb::Slice ToSlice(absl::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
absl::string_view ToView(const rocksdb::Slice& s) { return absl::string_view(s.data(), s.size()); }

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

// Column families, in the order they are opened.
enum Family : size_t { kDefault, kConfig, kClicks, kCustomerClicks, kStats, kFamilyCount };
constexpr const char* kFamilyNames[kFamilyCount] = {"default", "config", "clicks",
                                                    "customer_clicks", "stats"};

// Links are looked up on every redirect from every thread: shard them so readers of
// different codes do not share a lock's cache line.
constexpr size_t kLinkShards = 16;
// Clicks of one customer are serialised by a striped lock while deciding uniqueness.
constexpr size_t kCustomerStripes = 64;

class RocksDbStore final : public Store {
 public:
  RocksDbStore(std::unique_ptr<rocksdb::DB> db, std::vector<rocksdb::ColumnFamilyHandle*> families)
      : db_(std::move(db)), families_(std::move(families)) {
    click_write_.sync = false;  // WAL on: a process crash loses nothing
    config_write_.sync = true;  // config changes are rare and must survive power loss
  }

  ~RocksDbStore() override {
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
  std::optional<attribution::Program> GetProgram(absl::string_view program_id) const override;
  absl::Status PutPartner(const attribution::Partner& partner) override;
  std::optional<attribution::Partner> GetPartner(absl::string_view program_id,
                                                 absl::string_view partner_id) const override;
  std::vector<attribution::Partner> ListPartners(absl::string_view program_id) const override;
  absl::Status CreateLink(const attribution::Link& link) override;
  absl::Status UpdateLink(const attribution::Link& link) override;
  std::optional<attribution::Link> GetLink(absl::string_view code) const override;
  bool VisitActiveLink(absl::string_view code,
                       absl::FunctionRef<void(const CachedLink&)> visit) const override;
  absl::Status RecordClick(attribution::Click& click) override;
  absl::StatusOr<std::optional<attribution::Click>> GetClick(
      const attribution::Ulid& click_id) const override;
  absl::StatusOr<ClickStats> ReadClickStats(absl::string_view program_id,
                                            absl::string_view partner_id, absl::CivilDay from,
                                            absl::CivilDay to) const override;
  bool IsWritable() const override;
  absl::Status Flush() override;

 private:
  struct LinkShard {
    mutable absl::Mutex mu;
    absl::flat_hash_map<std::string, std::unique_ptr<const CachedLink>> links ABSL_GUARDED_BY(mu);
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
    } else {
      last_write_failed_.store(false, std::memory_order_relaxed);
    }
    return status;
  }

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> families_;
  rocksdb::WriteOptions click_write_;
  rocksdb::WriteOptions config_write_;
  std::atomic<bool> last_write_failed_{false};

  // Serialises config writes, so that check-then-write (duplicate codes, unknown partners)
  // is atomic. Never held on the redirect path.
  absl::Mutex config_write_mu_;

  mutable absl::Mutex config_mu_;
  std::map<std::string, attribution::Program, std::less<>> programs_ ABSL_GUARDED_BY(config_mu_);
  // Keyed by (program id, partner id); ordered so that listing a program's partners is a range.
  std::map<std::pair<std::string, std::string>, attribution::Partner> partners_
      ABSL_GUARDED_BY(config_mu_);

  mutable std::array<LinkShard, kLinkShards> link_shards_;
  mutable std::array<std::mutex, kCustomerStripes> customer_stripes_;
};

absl::Status RocksDbStore::LoadConfig() {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), families_[kConfig]));
  absl::MutexLock lock(&config_mu_);
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
        programs_[program.id] = std::move(program);
        break;
      }
      case kPartnerTag: {
        proto::Partner record;
        if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          return absl::DataLossError("unreadable partner record");
        }
        attribution::Partner partner = FromProto(record);
        partners_[{partner.program_id, partner.id}] = std::move(partner);
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
  absl::MutexLock lock(&shard.mu);
  shard.links[link.code] = std::move(cached);
}

absl::Status RocksDbStore::WriteConfig(const KeyBuffer& key, const std::string& value) {
  rocksdb::WriteBatch batch;
  batch.Put(families_[kConfig], ToSlice(key.view()), value);
  return Track(FromRocksStatus(db_->Write(config_write_, &batch)));
}

absl::Status RocksDbStore::PutProgram(const attribution::Program& program) {
  absl::MutexLock write_lock(&config_write_mu_);
  CLICKTRACK_RETURN_IF_ERROR(
      WriteConfig(ProgramKey(program.id), ToProto(program).SerializeAsString()));
  absl::MutexLock lock(&config_mu_);
  programs_[program.id] = program;
  return absl::OkStatus();
}

std::optional<attribution::Program> RocksDbStore::GetProgram(absl::string_view program_id) const {
  absl::ReaderMutexLock lock(&config_mu_);
  const auto it = programs_.find(program_id);
  if (it == programs_.end()) {
    return std::nullopt;
  }
  return it->second;
}

absl::Status RocksDbStore::PutPartner(const attribution::Partner& partner) {
  absl::MutexLock write_lock(&config_write_mu_);
  if (!GetProgram(partner.program_id).has_value()) {
    return absl::NotFoundError(absl::StrCat("program ", partner.program_id, " not found"));
  }
  CLICKTRACK_RETURN_IF_ERROR(WriteConfig(PartnerKey(partner.program_id, partner.id),
                                         ToProto(partner).SerializeAsString()));
  absl::MutexLock lock(&config_mu_);
  partners_[{partner.program_id, partner.id}] = partner;
  return absl::OkStatus();
}

std::optional<attribution::Partner> RocksDbStore::GetPartner(absl::string_view program_id,
                                                             absl::string_view partner_id) const {
  absl::ReaderMutexLock lock(&config_mu_);
  const auto it = partners_.find({std::string(program_id), std::string(partner_id)});
  if (it == partners_.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::vector<attribution::Partner> RocksDbStore::ListPartners(absl::string_view program_id) const {
  std::vector<attribution::Partner> out;
  absl::ReaderMutexLock lock(&config_mu_);
  for (auto it = partners_.lower_bound({std::string(program_id), std::string()});
       it != partners_.end() && it->first.first == program_id; ++it) {
    out.push_back(it->second);
  }
  return out;
}

absl::Status RocksDbStore::CreateLink(const attribution::Link& link) {
  absl::MutexLock write_lock(&config_write_mu_);
  if (!GetProgram(link.program_id).has_value()) {
    return absl::NotFoundError(absl::StrCat("program ", link.program_id, " not found"));
  }
  if (!GetPartner(link.program_id, link.partner_id).has_value()) {
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
  absl::MutexLock write_lock(&config_write_mu_);
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
  absl::ReaderMutexLock lock(&shard.mu);
  const auto it = shard.links.find(code);
  if (it == shard.links.end()) {
    return std::nullopt;
  }
  return it->second->link;
}

bool RocksDbStore::VisitActiveLink(absl::string_view code,
                                   absl::FunctionRef<void(const CachedLink&)> visit) const {
  LinkShard& shard = ShardFor(code);
  absl::ReaderMutexLock lock(&shard.mu);
  const auto it = shard.links.find(code);
  if (it == shard.links.end() || !it->second->link.active) {
    return false;
  }
  visit(*it->second);
  return true;
}

absl::StatusOr<bool> RocksDbStore::HadUniqueClick(const attribution::Click& click) const {
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

absl::Status RocksDbStore::RecordClick(attribution::Click& click) {
  std::unique_lock<std::mutex> customer_lock(
      customer_stripes_[absl::HashOf(click.customer_id.hi, click.customer_id.lo) %
                        kCustomerStripes]);
  click.unique = false;
  if (!click.bot) {
    CLICKTRACK_ASSIGN_OR_RETURN(const bool had_unique, HadUniqueClick(click));
    click.unique = !had_unique;
  }

  rocksdb::WriteBatch batch;
  const std::string record = ToProto(click).SerializeAsString();
  batch.Put(families_[kClicks], ToSlice(ClickKey(click.id).view()), record);

  proto::CustomerClick entry;
  entry.set_partner_id(click.partner_id);
  entry.set_link_code(click.link_code);
  entry.set_bot(click.bot);
  entry.set_unique(click.unique);
  batch.Put(
      families_[kCustomerClicks],
      ToSlice(CustomerClickKey(click.program_id, click.customer_id, click.time, click.id).view()),
      entry.SerializeAsString());

  if (!click.bot) {
    const absl::CivilDay day = absl::ToCivilDay(click.time, absl::UTCTimeZone());
    const auto one = EncodeCounter(1);
    const rocksdb::Slice one_slice(one.data(), one.size());
    batch.Merge(
        families_[kStats],
        ToSlice(StatsKey(click.program_id, click.partner_id, day, StatsCounter::kClicks).view()),
        one_slice);
    if (click.unique) {
      batch.Merge(
          families_[kStats],
          ToSlice(StatsKey(click.program_id, click.partner_id, day, StatsCounter::kUniqueClicks)
                      .view()),
          one_slice);
    }
  }
  return Track(FromRocksStatus(db_->Write(click_write_, &batch)));
}

absl::StatusOr<std::optional<attribution::Click>> RocksDbStore::GetClick(
    const attribution::Ulid& click_id) const {
  rocksdb::PinnableSlice value;
  const rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), families_[kClicks],
                                          ToSlice(ClickKey(click_id).view()), &value);
  if (status.IsNotFound()) {
    return std::nullopt;
  }
  CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(status));
  proto::Click record;
  if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return absl::DataLossError("unreadable click record");
  }
  return FromProto(click_id, record);
}

absl::StatusOr<ClickStats> RocksDbStore::ReadClickStats(absl::string_view program_id,
                                                        absl::string_view partner_id,
                                                        absl::CivilDay from,
                                                        absl::CivilDay to) const {
  ClickStats stats;
  if (to < from) {
    return stats;
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
    if (!DecodeCounter(ToView(it->value()), value)) {
      continue;
    }
    switch (static_cast<StatsCounter>(parts.counter)) {
      case StatsCounter::kClicks:
        stats.clicks += value;
        break;
      case StatsCounter::kUniqueClicks:
        stats.unique_clicks += value;
        break;
      default:
        break;
    }
  }
  CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(it->status()));
  return stats;
}

bool RocksDbStore::IsWritable() const {
  uint64_t stopped = 0;
  if (db_->GetIntProperty(rocksdb::DB::Properties::kIsWriteStopped, &stopped) && stopped != 0) {
    return false;
  }
  return !last_write_failed_.load(std::memory_order_relaxed);
}

absl::Status RocksDbStore::Flush() { return FromRocksStatus(db_->FlushWAL(/*sync=*/true)); }

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenRocksDbStore(const StoreOptions& options) {
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.IncreaseParallelism(2);
  db_options.max_background_jobs = 2;
  db_options.keep_log_file_num = 5;

  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.format_version = 5;

  rocksdb::ColumnFamilyOptions family_options;
  family_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // Young data is rewritten soon: keep it fast. Cold levels hold years of clicks: compress.
  family_options.compression_per_level = {rocksdb::kNoCompression,
                                          rocksdb::kNoCompression,
                                          rocksdb::kLZ4Compression,
                                          rocksdb::kLZ4Compression,
                                          rocksdb::kZSTD,
                                          rocksdb::kZSTD,
                                          rocksdb::kZSTD};
  family_options.bottommost_compression = rocksdb::kZSTD;

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (size_t i = 0; i < kFamilyCount; ++i) {
    rocksdb::ColumnFamilyOptions opts = family_options;
    if (i == kStats) {
      opts.merge_operator = std::make_shared<CounterAddOperator>();
    }
    descriptors.emplace_back(kFamilyNames[i], opts);
  }

  rocksdb::DB* raw = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  const rocksdb::Status status =
      rocksdb::DB::Open(rocksdb::DBOptions(db_options), options.path, descriptors, &handles, &raw);
  if (!status.ok()) {
    if (status.IsIOError() && absl::StrContains(status.ToString(), "lock")) {
      return absl::FailedPreconditionError(absl::StrCat("data directory ", options.path,
                                                        " is in use by another trackerd (",
                                                        status.ToString(), ")"));
    }
    return FromRocksStatus(status);
  }
  auto store =
      std::make_unique<RocksDbStore>(std::unique_ptr<rocksdb::DB>(raw), std::move(handles));
  CLICKTRACK_RETURN_IF_ERROR(store->LoadConfig());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace clicktrack::storage
