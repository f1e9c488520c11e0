#include "storage/rocksdb/config_store.h"

#include "absl/hash/hash.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

#include "attribution/base/status_macros.h"
#include "storage/internal/record_codec.h"
#include "storage/internal/rocks_status.h"
#include "storage/store_errors.h"

namespace clicktrack::storage_internal {

using storage::CachedLink;
using storage::KeyBuffer;

RocksDbConfigStore::RocksDbConfigStore(Database& database) : database_(database) {
  write_.sync = true;
}

absl::Status RocksDbConfigStore::Load() {
  std::unique_ptr<rocksdb::Iterator> it(
      database_.db().NewIterator(rocksdb::ReadOptions(), database_.family(kConfig)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    CLICKTRACK_RETURN_IF_ERROR(LoadRecord(ToView(it->key()), ToView(it->value())));
  }
  return FromRocksStatus(it->status());
}

absl::Status RocksDbConfigStore::LoadRecord(absl::string_view key, absl::string_view value) {
  if (key.empty()) {
    return absl::OkStatus();
  }
  switch (static_cast<uint8_t>(key.front())) {
    case storage::kProgramTag: {
      proto::Program record;
      CLICKTRACK_RETURN_IF_ERROR(ParseRecord(value, record, "program"));
      CLICKTRACK_ASSIGN_OR_RETURN(attribution::Program program, FromProto(record));
      CacheProgram(std::move(program));
      return absl::OkStatus();
    }
    case storage::kPartnerTag: {
      proto::Partner record;
      CLICKTRACK_RETURN_IF_ERROR(ParseRecord(value, record, "partner"));
      CachePartner(FromProto(record));
      return absl::OkStatus();
    }
    case storage::kLinkTag: {
      proto::Link record;
      CLICKTRACK_RETURN_IF_ERROR(ParseRecord(value, record, "link"));
      CacheLink(FromProto(record));
      return absl::OkStatus();
    }
    default:
      return absl::OkStatus();  // a record kind of a newer version: keep it, ignore it
  }
}

void RocksDbConfigStore::CacheProgram(attribution::Program program) {
  const std::string id = program.id;
  auto shared = std::make_shared<const attribution::Program>(std::move(program));
  std::unique_lock lock(mu_);
  programs_[id] = std::move(shared);
}

void RocksDbConfigStore::CachePartner(attribution::Partner partner) {
  std::pair<std::string, std::string> key{partner.program_id, partner.id};
  auto shared = std::make_shared<const attribution::Partner>(std::move(partner));
  std::unique_lock lock(mu_);
  partners_[std::move(key)] = std::move(shared);
}

void RocksDbConfigStore::CacheLink(const attribution::Link& link) {
  auto cached = std::make_unique<const CachedLink>(
      CachedLink{.link = link, .redirect = attribution::RedirectTemplate(link.destination)});
  LinkShard& shard = ShardFor(link.code);
  std::unique_lock lock(shard.mu);
  shard.links[link.code] = std::move(cached);
}

absl::Status RocksDbConfigStore::WriteConfig(const KeyBuffer& key, const std::string& value) {
  rocksdb::WriteBatch batch;
  batch.Put(database_.family(kConfig), ToSlice(key.view()), value);
  return database_.Write(write_, &batch);
}

absl::StatusOr<bool> RocksDbConfigStore::HasConversions(absl::string_view program_id) const {
  const KeyBuffer prefix = storage::ConversionPrefix(program_id);
  std::unique_ptr<rocksdb::Iterator> it(
      database_.db().NewIterator(rocksdb::ReadOptions(), database_.family(kConversions)));
  it->Seek(ToSlice(prefix.view()));
  if (it->Valid()) {
    return absl::StartsWith(ToView(it->key()), prefix.view());
  }
  CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(it->status()));
  return false;
}

absl::Status RocksDbConfigStore::CheckCurrencyChange(const attribution::Program& program) const {
  const absl::StatusOr<ProgramRef> existing = GetProgram(program.id);
  if (!existing.ok() || (*existing)->currency == program.currency) {
    return absl::OkStatus();
  }
  CLICKTRACK_ASSIGN_OR_RETURN(const bool has_conversions, HasConversions(program.id));
  if (!has_conversions) {
    return absl::OkStatus();
  }
  return storage::CurrencyChangeRefused((*existing)->currency.Code(), program.currency.Code());
}

absl::Status RocksDbConfigStore::PutProgram(const attribution::Program& program) {
  std::lock_guard write_lock(write_mu_);
  CLICKTRACK_RETURN_IF_ERROR(CheckCurrencyChange(program));
  CLICKTRACK_RETURN_IF_ERROR(
      WriteConfig(storage::ProgramKey(program.id), ToProto(program).SerializeAsString()));
  CacheProgram(program);
  return absl::OkStatus();
}

absl::StatusOr<storage::ConfigStore::ProgramRef> RocksDbConfigStore::GetProgram(
    absl::string_view program_id) const {
  std::shared_lock lock(mu_);
  const auto it = programs_.find(program_id);
  if (it == programs_.end()) {
    return storage::ProgramNotFound(program_id);
  }
  return it->second;
}

absl::Status RocksDbConfigStore::PutPartner(const attribution::Partner& partner) {
  std::lock_guard write_lock(write_mu_);
  CLICKTRACK_RETURN_IF_ERROR(GetProgram(partner.program_id).status());
  CLICKTRACK_RETURN_IF_ERROR(WriteConfig(storage::PartnerKey(partner.program_id, partner.id),
                                         ToProto(partner).SerializeAsString()));
  CachePartner(partner);
  return absl::OkStatus();
}

absl::StatusOr<storage::ConfigStore::PartnerRef> RocksDbConfigStore::GetPartner(
    absl::string_view program_id, absl::string_view partner_id) const {
  std::shared_lock lock(mu_);
  const auto it = partners_.find({std::string(program_id), std::string(partner_id)});
  if (it == partners_.end()) {
    return storage::PartnerNotFound(partner_id);
  }
  return it->second;
}

std::vector<attribution::Partner> RocksDbConfigStore::ListPartners(
    absl::string_view program_id) const {
  std::vector<attribution::Partner> out;
  std::shared_lock lock(mu_);
  for (auto it = partners_.lower_bound({std::string(program_id), std::string()});
       it != partners_.end() && it->first.first == program_id; ++it) {
    out.push_back(*it->second);
  }
  return out;
}

absl::Status RocksDbConfigStore::CreateLink(const attribution::Link& link) {
  std::lock_guard write_lock(write_mu_);
  CLICKTRACK_RETURN_IF_ERROR(GetProgram(link.program_id).status());
  CLICKTRACK_RETURN_IF_ERROR(GetPartner(link.program_id, link.partner_id).status());
  {
    const LinkShard& shard = ShardFor(link.code);
    std::shared_lock lock(shard.mu);
    if (FindLink(shard, link.code) != nullptr) {
      return storage::LinkCodeTaken(link.code);
    }
  }
  CLICKTRACK_RETURN_IF_ERROR(
      WriteConfig(storage::LinkKey(link.code), ToProto(link).SerializeAsString()));
  CacheLink(link);
  return absl::OkStatus();
}

absl::Status RocksDbConfigStore::UpdateLink(const attribution::Link& link) {
  std::lock_guard write_lock(write_mu_);
  CLICKTRACK_RETURN_IF_ERROR(GetLink(link.program_id, link.code).status());
  CLICKTRACK_RETURN_IF_ERROR(
      WriteConfig(storage::LinkKey(link.code), ToProto(link).SerializeAsString()));
  CacheLink(link);
  return absl::OkStatus();
}

absl::StatusOr<attribution::Link> RocksDbConfigStore::GetLink(absl::string_view program_id,
                                                              absl::string_view code) const {
  const LinkShard& shard = ShardFor(code);
  std::shared_lock lock(shard.mu);
  const CachedLink* cached = FindLink(shard, code);
  if (cached == nullptr || cached->link.program_id != program_id) {
    return storage::LinkNotFound(code);
  }
  return cached->link;
}

bool RocksDbConfigStore::VisitActiveLink(absl::string_view code,
                                         absl::FunctionRef<void(const CachedLink&)> visit) const {
  const LinkShard& shard = ShardFor(code);
  std::shared_lock lock(shard.mu);
  const CachedLink* cached = FindLink(shard, code);
  if (cached == nullptr || !cached->link.active) {
    return false;
  }
  visit(*cached);
  return true;
}

RocksDbConfigStore::LinkShard& RocksDbConfigStore::ShardFor(absl::string_view code) const {
  return link_shards_[absl::HashOf(code) % kLinkShards];
}

const CachedLink* RocksDbConfigStore::FindLink(const LinkShard& shard,
                                               absl::string_view code) const {
  const auto it = shard.links.find(code);
  return it == shard.links.end() ? nullptr : it->second.get();
}

}  // namespace clicktrack::storage_internal
