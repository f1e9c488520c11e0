#pragma once

// ReportReader on RocksDB: daily counters, customers, conversions and ledgers.

#include "storage/rocksdb/database.h"
#include "storage/store.h"

namespace clicktrack::storage_internal {

class RocksDbReportReader final : public storage::ReportReader {
 public:
  explicit RocksDbReportReader(const Database& database) : database_(database) {}

  absl::StatusOr<storage::StatsTotals> ReadStats(absl::string_view program_id,
                                                 absl::string_view partner_id, absl::CivilDay from,
                                                 absl::CivilDay to) const override;
  absl::Status AddDailyStats(absl::string_view program_id, absl::string_view partner_id,
                             absl::CivilDay first,
                             absl::Span<storage::StatsTotals> days) const override;
  absl::StatusOr<std::vector<storage::CohortCell>> ReadCohorts(
      absl::string_view program_id, absl::string_view partner_id, absl::CivilMonth first,
      absl::CivilMonth last) const override;
  absl::StatusOr<attribution::PartnerTotals> ReadPartnerTotals(
      absl::string_view program_id, absl::string_view partner_id) const override;
  absl::StatusOr<attribution::CustomerState> GetCustomer(
      absl::string_view program_id, const attribution::Ulid& customer) const override;
  absl::StatusOr<attribution::CustomerState> FindCustomerByRef(
      absl::string_view program_id, absl::string_view customer_ref) const override;
  absl::StatusOr<attribution::Conversion> GetConversion(absl::string_view program_id,
                                                        absl::string_view order_id) const override;
  absl::StatusOr<storage::LedgerPage> ListLedgerBetween(absl::string_view program_id,
                                                        absl::string_view partner_id,
                                                        absl::Time from, absl::Time to,
                                                        std::optional<attribution::Ulid> after,
                                                        size_t limit) const override;
  absl::StatusOr<int64_t> SumPendingCommission(absl::string_view program_id,
                                               absl::string_view partner_id, absl::Time from,
                                               absl::Time to, absl::Time now) const override;
  absl::StatusOr<std::vector<attribution::UnpaidEntry>> ListUnpaid(
      absl::string_view program_id, absl::string_view partner_id) const override;
  absl::StatusOr<int64_t> ReadPaidTotal(absl::string_view program_id,
                                        absl::string_view partner_id) const override;
  absl::StatusOr<std::vector<storage::StatsTotals>> ReadStatsRanges(
      absl::string_view program_id, absl::string_view partner_id,
      absl::Span<const DayInterval> ranges) const override;
  absl::StatusOr<storage::PayoutPage> ListPayouts(absl::string_view program_id,
                                                  absl::string_view partner_id,
                                                  std::optional<attribution::Ulid> before,
                                                  size_t limit) const override;
  absl::StatusOr<storage::LedgerPage> ListLedger(absl::string_view program_id,
                                                 absl::string_view partner_id,
                                                 std::optional<attribution::Ulid> before,
                                                 size_t limit) const override;

 private:
  // Calls `visit` with each daily counter of the partner in [first, last], in key order.
  absl::Status VisitStats(
      absl::string_view program_id, absl::string_view partner_id, absl::CivilDay first,
      absl::CivilDay last,
      absl::FunctionRef<void(absl::CivilDay day, size_t counter, int64_t value)> visit) const;
  // The customer that `customer` was merged into, one step, or nullopt.
  absl::StatusOr<std::optional<attribution::Ulid>> FindAlias(
      absl::string_view program_id, const attribution::Ulid& customer) const;

  const Database& database_;
};

}  // namespace clicktrack::storage_internal
