#pragma once

// ConfigStore on RocksDB: programs, partners, links and partner tokens, written through to the
// config family and served from memory.

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"

#include "storage/key_codec.h"
#include "storage/rocksdb/database.h"
#include "storage/rocksdb/ship_log.h"
#include "storage/store.h"

namespace clicktrack::storage_internal {

class RocksDbConfigStore final : public storage::ConfigStore, public storage::ConfigReplica {
 public:
  explicit RocksDbConfigStore(Database& database);
  // A cluster node's: every config change from now on gets its entry there, in its write.
  void set_ship_log(RocksDbShipLog* ship_log) { ship_log_ = ship_log; }

  int64_t applied_offset() const override { return applied_offset_.load(); }
  absl::Status ApplyConfig(absl::string_view key, std::optional<absl::string_view> value,
                           int64_t offset) override;

  // Reads every config record into memory; kDataLoss for one that cannot be read.
  absl::Status Load();

  absl::Status PutProgram(const attribution::Program& program) override;
  absl::StatusOr<ProgramRef> GetProgram(absl::string_view program_id) const override;
  absl::Status PutPartner(const attribution::Partner& partner) override;
  absl::StatusOr<PartnerRef> GetPartner(absl::string_view program_id,
                                        absl::string_view partner_id) const override;
  std::vector<attribution::Partner> ListPartners(absl::string_view program_id) const override;
  std::vector<ProgramRef> ListPrograms() const override;
  absl::Status CreateLink(const attribution::Link& link) override;
  absl::Status UpdateLink(const attribution::Link& link) override;
  absl::StatusOr<attribution::Link> GetLink(absl::string_view program_id,
                                            absl::string_view code) const override;
  std::vector<attribution::Link> ListLinks(absl::string_view program_id,
                                           absl::string_view partner_id) const override;
  absl::Status CreatePartnerToken(const storage::PartnerToken& token) override;
  std::vector<storage::PartnerToken> ListPartnerTokens(absl::string_view program_id,
                                                       absl::string_view partner_id) const override;
  absl::Status RevokePartnerToken(absl::string_view program_id, absl::string_view partner_id,
                                  absl::string_view token_id) override;
  std::optional<storage::PartnerToken> FindPartnerToken(
      const std::array<unsigned char, 32>& digest) const override;
  bool VisitActiveLink(absl::string_view code,
                       absl::FunctionRef<void(const storage::CachedLink&)> visit) const override;

 private:
  // Links are looked up on every redirect from every thread: shard them so readers of
  // different codes do not share a lock's cache line.
  static constexpr size_t kLinkShards = 16;
  struct LinkShard {
    mutable std::shared_mutex mu;
    absl::flat_hash_map<std::string, std::unique_ptr<const storage::CachedLink>> links;  // mu
  };

  LinkShard& ShardFor(absl::string_view code) const;
  const storage::CachedLink* FindLink(const LinkShard& shard, absl::string_view code) const;
  absl::Status LoadRecord(absl::string_view key, absl::string_view value);
  void CacheProgram(attribution::Program program);
  void CachePartner(attribution::Partner partner);
  void CacheLink(const attribution::Link& link);
  void CachePartnerToken(storage::PartnerToken token);
  // Writes `batch` with the ship log's entry for `key` (none: deleted), if there is a log.
  absl::Status WriteShipped(rocksdb::WriteBatch& batch, absl::string_view key,
                            std::optional<absl::string_view> value);
  absl::Status WriteConfig(const storage::KeyBuffer& key, const std::string& value);
  // Drops a deleted record from memory (only partner tokens are ever deleted).
  void ForgetRecord(absl::string_view key);
  absl::StatusOr<bool> HasConversions(absl::string_view program_id) const;
  absl::Status CheckCurrencyChange(const attribution::Program& program) const;

  Database& database_;
  RocksDbShipLog* ship_log_ = nullptr;
  std::atomic<int64_t> applied_offset_{-1};
  rocksdb::WriteOptions write_;  // synced: config changes are rare and must survive power loss

  // Serialises config writes, so that check-then-write (duplicate codes, unknown partners)
  // is atomic. Never held on the redirect path.
  std::mutex write_mu_;

  mutable std::shared_mutex mu_;
  std::map<std::string, ProgramRef, std::less<>> programs_;  // under mu_
  // Keyed by (program id, partner id); ordered so that listing a program's partners is a range.
  std::map<std::pair<std::string, std::string>, PartnerRef> partners_;  // under mu_
  // (program id, partner id, code) of every link: a partner's links are a range.
  std::set<std::tuple<std::string, std::string, std::string>> partner_links_;  // under mu_
  std::map<std::array<unsigned char, 32>, storage::PartnerToken> tokens_;      // under mu_

  mutable std::array<LinkShard, kLinkShards> link_shards_;
};

}  // namespace clicktrack::storage_internal
