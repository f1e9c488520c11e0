#pragma once

// Payouts (SPEC §6): what a partner is owed, and which ledger entries a payout settles. Pure.
//
// Every ledger entry is unpaid until a payout settles it. Its hold is over at its approve_at
// (a reversal shares the approve_at of the accrual it reverses). A payout settles every unpaid
// entry whose hold is over, accruals and reversals alike, so that a refund of commission already
// paid is netted against the next accruals.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/span.h"

#include "attribution/ids.h"

namespace clicktrack::attribution {

// A ledger entry not yet settled by a payout.
struct UnpaidEntry {
  Ulid entry_id;
  int64_t commission_minor = 0;  // signed
  absl::Time approve_at = absl::UnixEpoch();
};

struct Balance {
  int64_t pending = 0;   // unpaid entries whose hold is not over (signed)
  int64_t approved = 0;  // unpaid accruals and bonuses whose hold is over
  int64_t balance = 0;   // every unpaid entry whose hold is over (signed): what a payout pays
};

// The balance of a partner's unpaid entries at `now`.
Balance BalanceOf(absl::Span<const UnpaidEntry> unpaid, absl::Time now);

// The entries a payout at `now` settles: those whose hold is over, when there is one and
// they sum to at least `minimum_minor`; nullopt otherwise.
struct Settlement {
  int64_t amount_minor = 0;
  std::vector<Ulid> entries;
};
std::optional<Settlement> Settle(absl::Span<const UnpaidEntry> unpaid, absl::Time now,
                                 int64_t minimum_minor);

// What an admin asks (POST …/payouts), checked by the API.
struct PayoutOrder {
  std::vector<std::string> partner_ids;  // empty: every partner of the program
  int64_t minimum_minor = 1;
  std::string note;
  std::string idempotency_key;  // "" = none
  // Identifies the order's content: the same key with another fingerprint is refused.
  std::string fingerprint;
  absl::Time now = absl::UnixEpoch();
};

// One settled payout of one partner.
struct Payout {
  Ulid id;
  std::string partner_id;
  int64_t amount_minor = 0;
  int64_t entries = 0;
  std::string note;
  absl::Time created_at = absl::UnixEpoch();
};

struct PayoutOutcome {
  std::vector<Payout> payouts;
  bool replayed = false;  // the answer of an earlier order with the same idempotency key
};

}  // namespace clicktrack::attribution
