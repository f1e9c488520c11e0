#pragma once

// The store in memory, for the API's tests: every role of storage/store.h, with the same
// answers and messages as the RocksDB store, and the attribution engine deciding conversions.
// Unlike the RocksDB store, it decides a conversion at once, on the submitting thread (so
// `done` runs before SubmitConversion returns), and nothing is durable. Thread-safe.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "attribution/testing/in_memory_view.h"
#include "storage/store.h"
#include "storage/testing/in_memory_outbox.h"

namespace clicktrack::storage {

class InMemoryStore final : public Store,
                            public ConfigStore,
                            public ClickLog,
                            public ConversionCommitter,
                            public ReportReader,
                            public Maintenance {
 public:
  // Mints conversion, customer and ledger ids with `ids` (SequentialIds when null).
  explicit InMemoryStore(attribution::IdSource* ids = nullptr);

  ConfigStore& config() override { return *this; }
  ClickLog& clicks() override { return *this; }
  ConversionCommitter& committer() override { return *this; }
  ReportReader& reports() override { return *this; }
  Maintenance& maintenance() override { return *this; }
  Outbox& outbox() override { return outbox_; }
  ShipLog* ship_log() override { return nullptr; }  // no cluster role in memory
  ConfigReplica* config_replica() override { return nullptr; }

  // ConfigStore.
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
                       absl::FunctionRef<void(const CachedLink&)> visit) const override;

  // ClickLog.
  absl::Status RecordClicks(absl::Span<attribution::Click> clicks) override;
  absl::StatusOr<attribution::Click> GetClick(const attribution::Ulid& click_id) const override;
  absl::StatusOr<std::vector<bool>> ImportClicks(absl::Span<attribution::Click> clicks,
                                                 absl::Span<const std::string> import_ids) override;
  absl::StatusOr<std::optional<attribution::Ulid>> FindImportedClick(
      absl::string_view program_id, absl::string_view import_id) const override;

  // ConversionCommitter.
  void SubmitConversion(std::string program_id, attribution::ConversionEvent event,
                        ConversionCallback done) override;
  CommitterStats committer_stats() const override;

  // ReportReader.
  absl::StatusOr<StatsTotals> ReadStats(absl::string_view program_id, absl::string_view partner_id,
                                        absl::CivilDay from, absl::CivilDay to) const override;
  absl::StatusOr<std::vector<CohortCell>> ReadCohorts(absl::string_view program_id,
                                                      absl::string_view partner_id,
                                                      absl::CivilMonth first,
                                                      absl::CivilMonth last) const override;
  absl::StatusOr<attribution::PartnerTotals> ReadPartnerTotals(
      absl::string_view program_id, absl::string_view partner_id) const override;
  absl::StatusOr<attribution::CustomerState> GetCustomer(
      absl::string_view program_id, const attribution::Ulid& customer) const override;
  absl::StatusOr<attribution::CustomerState> FindCustomerByRef(
      absl::string_view program_id, absl::string_view customer_ref) const override;
  absl::StatusOr<attribution::Conversion> GetConversion(absl::string_view program_id,
                                                        absl::string_view order_id) const override;
  absl::StatusOr<LedgerPage> ListLedger(absl::string_view program_id, absl::string_view partner_id,
                                        std::optional<attribution::Ulid> before,
                                        size_t limit) const override;
  absl::StatusOr<LedgerPage> ListLedgerBetween(absl::string_view program_id,
                                               absl::string_view partner_id, absl::Time from,
                                               absl::Time to,
                                               std::optional<attribution::Ulid> after,
                                               size_t limit) const override;
  absl::StatusOr<int64_t> SumPendingCommission(absl::string_view program_id,
                                               absl::string_view partner_id, absl::Time from,
                                               absl::Time to, absl::Time now) const override;
  // Payouts are the RocksDB store's alone (tests/payout_test.cc runs them on a real trackerd):
  // here they answer kUnimplemented.
  void SubmitPayout(std::string program_id, std::vector<std::string> partner_ids,
                    attribution::PayoutOrder order, PayoutCallback done) override;
  absl::StatusOr<std::vector<attribution::UnpaidEntry>> ListUnpaid(
      absl::string_view program_id, absl::string_view partner_id) const override;
  absl::StatusOr<int64_t> ReadPaidTotal(absl::string_view program_id,
                                        absl::string_view partner_id) const override;
  absl::StatusOr<PayoutPage> ListPayouts(absl::string_view program_id, absl::string_view partner_id,
                                         std::optional<attribution::Ulid> before,
                                         size_t limit) const override;

  // Maintenance: nothing to compact or flush; writable unless told otherwise.
  absl::Status CompactAll() override { return absl::OkStatus(); }
  uint64_t SstBytes() const override { return 0; }
  bool IsWritable() const override;
  BackgroundWork PendingBackgroundWork() const override { return {}; }
  EngineStats ReadEngineStats() const override { return {}; }
  absl::StatusOr<BackupInfo> CreateBackup(const std::string&, uint32_t) override {
    return absl::UnimplementedError("the in-memory store keeps no backups");
  }
  absl::StatusOr<std::vector<BackupInfo>> ListBackups(const std::string&) const override {
    return std::vector<BackupInfo>{};
  }
  absl::Status Flush() override { return absl::OkStatus(); }

  // For tests: makes IsWritable() answer `writable`.
  void SetWritable(bool writable);

 private:
  using CounterKey = std::tuple<std::string, std::string, absl::CivilDay, size_t>;
  using CohortKey =
      std::tuple<std::string, std::string, absl::CivilMonth, absl::CivilMonth, size_t>;

  attribution::InMemoryView& ViewOf(const std::string& program_id);  // under mu_
  bool HadUniqueClick(const attribution::Click& click) const;        // under mu_
  // The partner's ledger entries for which `keep` holds, in no order; under mu_.
  std::vector<attribution::LedgerEntry> LedgerWhere(
      absl::string_view program_id, absl::string_view partner_id,
      absl::FunctionRef<bool(const attribution::LedgerEntry&)> keep) const;
  void AddCounter(const attribution::Click& click, attribution::StatsCounter counter);
  // What the committer adds: a delivery of each movement to a partner with a postback_url.
  void AddDeliveries(const attribution::Program& program, const attribution::Decision& decision);

  mutable std::mutex mu_;
  attribution::SequentialIds own_ids_;
  attribution::IdSource* ids_;
  std::map<std::string, ProgramRef, std::less<>> programs_;
  std::map<std::pair<std::string, std::string>, PartnerRef> partners_;
  std::map<std::string, CachedLink, std::less<>> links_;
  std::map<std::array<unsigned char, 32>, storage::PartnerToken> tokens_;
  std::vector<attribution::Click> clicks_;
  std::map<std::pair<std::string, std::string>, attribution::Ulid> imported_clicks_;
  std::map<std::string, std::unique_ptr<attribution::InMemoryView>, std::less<>> views_;
  std::map<CounterKey, int64_t> counters_;
  std::map<CohortKey, int64_t> cohort_counters_;
  CommitterStats committed_;
  bool writable_ = true;
  InMemoryOutbox outbox_;
};

}  // namespace clicktrack::storage
