#pragma once

// A ledger entry as the API shows it (SPEC §6), for the commissions list and ledger.csv alike.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "boost/json/object.hpp"

#include "attribution/conversion.h"
#include "attribution/program.h"
#include "storage/store.h"

namespace clicktrack::tracker {

// The status of ledger entries at `now`: an accrual's is its conversion's, read once per order.
class EntryStatuses {
 public:
  EntryStatuses(const storage::ReportReader& reports, absl::string_view program_id, absl::Time now)
      : reports_(reports), program_id_(program_id), now_(now) {}

  absl::StatusOr<attribution::CommissionStatus> StatusOf(const attribution::LedgerEntry& entry);
  // Forgets the conversions read: one page's worth at a time.
  void Clear() { conversions_.clear(); }

 private:
  const storage::ReportReader& reports_;
  const std::string program_id_;
  const absl::Time now_;
  std::map<std::string, std::optional<attribution::Conversion>, std::less<>> conversions_;
};

// entry_id, created_at, partner_id, conversion_id, order_id, kind (null for a bonus), type,
// amount (null for a bonus), commission (signed), currency, commission_status, approve_at,
// payout_id (null until paid), rule ({"percent", "fixed", "from"}; null for a bonus).
boost::json::object EncodeLedgerEntry(const attribution::LedgerEntry& entry,
                                      attribution::CommissionStatus status,
                                      const attribution::Program& program);

// The partner's accruals and bonuses created in the days [from, to] whose hold is not over at
// `now`, unpaid (a payout settles only approved ones). Only entries younger than the program's
// hold can be pending, so only those are read.
absl::StatusOr<int64_t> PendingCommission(const storage::ReportReader& reports,
                                          const attribution::Program& program,
                                          absl::string_view partner_id, absl::CivilDay from,
                                          absl::CivilDay to, absl::Time now);

// Logs each ledger record that could not be read (it is left out of the answer).
void LogUnreadable(absl::string_view program_id, absl::string_view partner_id,
                   const std::vector<attribution::Ulid>& entry_ids);

}  // namespace clicktrack::tracker
