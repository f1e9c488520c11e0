#pragma once

// The attribution state of one program in memory: the reference AttributionView for the
// engine's tests and benchmarks, and a record of what decisions wrote. Not thread-safe.

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "attribution/engine.h"

namespace clicktrack::attribution {

class InMemoryView final : public AttributionView {
 public:
  explicit InMemoryView(std::string program_id) : program_id_(std::move(program_id)) {}

  // Set-up.
  void AddClick(absl::string_view program_id, const Ulid& customer, const ClickRef& click);
  void AddPartner(absl::string_view partner_id, CommissionRules overrides = {});

  // Carries out a decision's writes.
  void Apply(const Decision& decision);

  // What has been written.
  const std::map<std::string, Conversion>& conversions() const { return conversions_; }
  const std::map<Ulid, CustomerState>& customers() const { return customers_; }
  const std::vector<LedgerEntry>& ledger() const { return ledger_; }
  // Sum of a counter over all days.
  int64_t Counter(absl::string_view partner_id, StatsCounter counter) const;

  // AttributionView.
  absl::StatusOr<std::optional<Conversion>> FindConversion(absl::string_view order_id) override;
  absl::StatusOr<std::optional<Refund>> FindRefund(absl::string_view refund_id) override;
  absl::StatusOr<std::vector<Refund>> QueuedRefunds(absl::string_view order_id) override;
  absl::StatusOr<std::optional<FoundClick>> FindClick(const Ulid& click_id) override;
  absl::StatusOr<std::optional<CustomerState>> FindCustomer(const Ulid& customer) override;
  absl::StatusOr<std::optional<Ulid>> FindAlias(const Ulid& customer) override;
  absl::StatusOr<std::optional<Ulid>> FindByRef(absl::string_view customer_ref) override;
  absl::StatusOr<std::optional<Ulid>> FindByEmail(absl::string_view email_sha256) override;
  absl::StatusOr<std::vector<ClickRef>> ClicksOf(const Ulid& customer, absl::Time from,
                                                 absl::Time to) override;
  absl::StatusOr<PartnerTotals> FindPartnerTotals(absl::string_view partner_id) override;
  std::optional<CommissionRules> PartnerRules(absl::string_view partner_id) override;
  absl::StatusOr<std::optional<std::string>> FindPaymentLink(absl::string_view ref) override;
  absl::StatusOr<int64_t> FindRefundTotal(absl::string_view key) override;
  absl::StatusOr<bool> SeenSourceEvent(absl::string_view source_event_id) override;

  // Set-up: a partner's all-time totals as if earlier events had made them.
  void SetPartnerTotals(absl::string_view partner_id, PartnerTotals totals);

 private:
  std::string program_id_;
  std::map<Ulid, FoundClick> clicks_;
  std::map<std::string, CommissionRules, std::less<>> partners_;
  std::map<std::string, Conversion> conversions_;
  std::map<std::string, Refund, std::less<>> refunds_;
  std::map<Ulid, CustomerState> customers_;
  std::map<Ulid, Ulid> aliases_;
  std::map<std::string, Ulid, std::less<>> refs_;
  std::map<std::string, Ulid, std::less<>> emails_;
  std::vector<LedgerEntry> ledger_;
  std::map<std::tuple<std::string, StatsCounter>, int64_t> counters_;
  std::map<std::string, PartnerTotals, std::less<>> totals_;
  std::map<std::string, std::string, std::less<>> payment_links_;
  std::map<std::string, int64_t, std::less<>> refund_totals_;
  std::set<std::string, std::less<>> source_events_;
};

// Deterministic ids for tests: the given time and a counter.
class SequentialIds final : public IdSource {
 public:
  Ulid NewId(absl::Time time) override { return Ulid::Make(time, 0, ++next_); }

 private:
  uint64_t next_ = 0;
};

}  // namespace clicktrack::attribution
