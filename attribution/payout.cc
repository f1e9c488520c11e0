#include "attribution/payout.h"

namespace clicktrack::attribution {

Balance BalanceOf(absl::Span<const UnpaidEntry> unpaid, absl::Time now) {
  Balance balance;
  for (const UnpaidEntry& entry : unpaid) {
    if (now < entry.approve_at) {
      balance.pending += entry.commission_minor;
      continue;
    }
    balance.balance += entry.commission_minor;
    if (entry.commission_minor > 0) {
      balance.approved += entry.commission_minor;
    }
  }
  return balance;
}

std::optional<Settlement> Settle(absl::Span<const UnpaidEntry> unpaid, absl::Time now,
                                 int64_t minimum_minor) {
  Settlement settlement;
  for (const UnpaidEntry& entry : unpaid) {
    if (entry.approve_at <= now) {
      settlement.amount_minor += entry.commission_minor;
      settlement.entries.push_back(entry.entry_id);
    }
  }
  if (settlement.entries.empty() || settlement.amount_minor < minimum_minor) {
    return std::nullopt;
  }
  return settlement;
}

}  // namespace clicktrack::attribution
