#include "storage/rocksdb/config_store.h"

#include <algorithm>

#include "absl/hash/hash.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

#include "attribution/base/status_macros.h"
#include "storage/internal/record_codec.h"
#include "storage/internal/rocks_status.h"
#include "storage/store_errors.h"

namespace clicktrack::storage_internal {

using storage::CachedLink;
using storage::KeyBuffer;
using storage::PartnerToken;

namespace {

absl::string_view DigestView(const std::array<unsigned char, 32>& digest) {
  return absl::string_view(reinterpret_cast<const char*>(digest.data()), digest.size());
}

proto::PartnerToken ToProto(const PartnerToken& token) {
  proto::PartnerToken record;
  record.set_id(token.id);
  record.set_program_id(token.program_id);
  record.set_partner_id(token.partner_id);
  record.set_label(token.label);
  record.set_created_at_micros(absl::ToUnixMicros(token.created_at));
  record.set_expires_at_micros(token.expires_at ? absl::ToUnixMicros(*token.expires_at) : 0);
  return record;
}

absl::StatusOr<PartnerToken> FromProto(absl::string_view key, const proto::PartnerToken& record) {
  PartnerToken token{.id = record.id(),
                     .program_id = record.program_id(),
                     .partner_id = record.partner_id(),
                     .label = record.label(),
                     .created_at = absl::FromUnixMicros(record.created_at_micros())};
  if (record.expires_at_micros() != 0) {
    token.expires_at = absl::FromUnixMicros(record.expires_at_micros());
  }
  if (key.size() != 1 + token.digest.size()) {
    return absl::DataLossError("config: a partner token's key is not 33 bytes");
  }
  std::copy(key.begin() + 1, key.end(), token.digest.begin());
  return token;
}

// Default family: the offset in clicktrack.config of the last record applied.
constexpr char kAppliedOffsetKey[] = "config_applied_offset";

}  // namespace

RocksDbConfigStore::RocksDbConfigStore(Database& database) : database_(database) {
  write_.sync = true;
}

absl::Status RocksDbConfigStore::Load() {
  CLICKTRACK_ASSIGN_OR_RETURN(const std::optional<std::string> applied,
                              database_.Get(kDefault, kAppliedOffsetKey));
  int64_t offset = -1;
  if (applied.has_value() && !absl::SimpleAtoi(*applied, &offset)) {
    return absl::DataLossError("the applied config offset is unreadable");
  }
  applied_offset_.store(offset);
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
    case storage::kPartnerTokenTag: {
      proto::PartnerToken record;
      CLICKTRACK_RETURN_IF_ERROR(ParseRecord(value, record, "partner token"));
      CLICKTRACK_ASSIGN_OR_RETURN(PartnerToken token, FromProto(key, record));
      CachePartnerToken(std::move(token));
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
  {
    LinkShard& shard = ShardFor(link.code);
    std::unique_lock lock(shard.mu);
    shard.links[link.code] = std::move(cached);
  }
  std::unique_lock lock(mu_);
  partner_links_.emplace(link.program_id, link.partner_id, link.code);
}

void RocksDbConfigStore::CachePartnerToken(PartnerToken token) {
  std::unique_lock lock(mu_);
  const std::array<unsigned char, 32> digest = token.digest;
  tokens_.insert_or_assign(digest, std::move(token));
}

absl::Status RocksDbConfigStore::WriteShipped(rocksdb::WriteBatch& batch, absl::string_view key,
                                              std::optional<absl::string_view> value) {
  if (ship_log_ == nullptr) {
    return database_.Write(write_, &batch);
  }
  const uint64_t position = ship_log_->AddConfig(key, value, batch);
  const absl::Status written = database_.Write(write_, &batch);
  ship_log_->EndWrite(position, 1, written.ok());
  return written;
}

absl::Status RocksDbConfigStore::WriteConfig(const KeyBuffer& key, const std::string& value) {
  rocksdb::WriteBatch batch;
  batch.Put(database_.family(kConfig), ToSlice(key.view()), value);
  return WriteShipped(batch, key.view(), value);
}

absl::Status RocksDbConfigStore::ApplyConfig(absl::string_view key,
                                             std::optional<absl::string_view> value,
                                             int64_t offset) {
  const std::lock_guard<std::mutex> lock(write_mu_);
  const absl::Status readable =
      value.has_value() ? LoadRecord(key, *value) : absl::OkStatus();  // cached if readable
  rocksdb::WriteBatch batch;
  if (!value.has_value()) {
    batch.Delete(database_.family(kConfig), ToSlice(key));
  } else if (readable.ok()) {
    batch.Put(database_.family(kConfig), ToSlice(key), ToSlice(*value));
  }
  batch.Put(database_.family(kDefault), kAppliedOffsetKey, absl::StrCat(offset));
  // WAL on, no fsync: what a power cut loses comes again from the topic after the offset.
  CLICKTRACK_RETURN_IF_ERROR(database_.Write(rocksdb::WriteOptions(), &batch));
  if (!value.has_value()) {
    ForgetRecord(key);
  }
  applied_offset_.store(offset);
  return readable.ok() ? absl::OkStatus()
                       : absl::DataLossError(absl::StrCat("config record at offset ", offset,
                                                          " skipped: ", readable.message()));
}

void RocksDbConfigStore::ForgetRecord(absl::string_view key) {
  if (key.size() != 1 + 32 || static_cast<uint8_t>(key.front()) != storage::kPartnerTokenTag) {
    return;
  }
  std::array<unsigned char, 32> digest{};
  std::copy(key.begin() + 1, key.end(), digest.begin());
  std::unique_lock lock(mu_);
  tokens_.erase(digest);
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

std::vector<storage::ConfigStore::ProgramRef> RocksDbConfigStore::ListPrograms() const {
  std::vector<ProgramRef> out;
  std::shared_lock lock(mu_);
  for (const auto& [id, program] : programs_) {
    out.push_back(program);
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

std::vector<attribution::Link> RocksDbConfigStore::ListLinks(absl::string_view program_id,
                                                             absl::string_view partner_id) const {
  std::vector<std::string> codes;
  {
    std::shared_lock lock(mu_);
    for (auto it =
             partner_links_.lower_bound({std::string(program_id), std::string(partner_id), ""});
         it != partner_links_.end() && std::get<0>(*it) == program_id &&
         std::get<1>(*it) == partner_id;
         ++it) {
      codes.push_back(std::get<2>(*it));
    }
  }
  std::vector<attribution::Link> out;
  for (const std::string& code : codes) {
    if (absl::StatusOr<attribution::Link> link = GetLink(program_id, code); link.ok()) {
      out.push_back(*std::move(link));
    }
  }
  return out;
}

absl::Status RocksDbConfigStore::CreatePartnerToken(const PartnerToken& token) {
  std::lock_guard write_lock(write_mu_);
  CLICKTRACK_RETURN_IF_ERROR(GetPartner(token.program_id, token.partner_id).status());
  CLICKTRACK_RETURN_IF_ERROR(WriteConfig(storage::PartnerTokenKey(DigestView(token.digest)),
                                         ToProto(token).SerializeAsString()));
  CachePartnerToken(token);
  return absl::OkStatus();
}

std::vector<PartnerToken> RocksDbConfigStore::ListPartnerTokens(
    absl::string_view program_id, absl::string_view partner_id) const {
  std::vector<PartnerToken> out;
  {
    std::shared_lock lock(mu_);
    for (const auto& [digest, token] : tokens_) {
      if (token.program_id == program_id && token.partner_id == partner_id) {
        out.push_back(token);
      }
    }
  }
  std::sort(out.begin(), out.end(),
            [](const PartnerToken& a, const PartnerToken& b) { return a.id < b.id; });
  return out;
}

absl::Status RocksDbConfigStore::RevokePartnerToken(absl::string_view program_id,
                                                    absl::string_view partner_id,
                                                    absl::string_view token_id) {
  std::lock_guard write_lock(write_mu_);
  std::optional<std::array<unsigned char, 32>> digest;
  {
    std::shared_lock lock(mu_);
    for (const auto& [key, token] : tokens_) {
      if (token.id == token_id && token.program_id == program_id &&
          token.partner_id == partner_id) {
        digest = key;
        break;
      }
    }
  }
  if (!digest) {
    return storage::PartnerTokenNotFound(token_id);
  }
  rocksdb::WriteBatch batch;
  const KeyBuffer key = storage::PartnerTokenKey(DigestView(*digest));
  batch.Delete(database_.family(kConfig), ToSlice(key.view()));
  CLICKTRACK_RETURN_IF_ERROR(WriteShipped(batch, key.view(), std::nullopt));
  std::unique_lock lock(mu_);
  tokens_.erase(*digest);
  return absl::OkStatus();
}

std::optional<PartnerToken> RocksDbConfigStore::FindPartnerToken(
    const std::array<unsigned char, 32>& digest) const {
  std::shared_lock lock(mu_);
  const auto it = tokens_.find(digest);
  if (it == tokens_.end()) {
    return std::nullopt;
  }
  return it->second;
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
