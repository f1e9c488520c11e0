#pragma once

// The engine's stats counters and all-time partner totals (SPEC §3). Internal to the engine.

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

#include "attribution/engine.h"

namespace clicktrack::attribution::engine_internal {

// The counter that counts conversions of `kind`, and the one that sums their commission.
StatsCounter CountCounter(ConversionKind kind);
StatsCounter CommissionCounter(ConversionKind kind);

// Adds `delta` to `counter` of `partner` on the day of `time`; a zero delta adds nothing.
void AddCounter(Decision& decision, absl::string_view partner, absl::Time time,
                StatsCounter counter, int64_t delta);

// Adds `delta` to `counter` of the customers `partner` acquired at `acquired_at`: the daily
// counter of the day acquired, and the cohort counter of (month acquired, month of `time`).
void AddAcquiredCounter(Decision& decision, absl::string_view partner, absl::Time acquired_at,
                        absl::Time time, StatsCounter counter, int64_t delta);

// A sale of `amount` credited to the customer's owner: the customer's sales since acquisition
// and the acquired-customer counters.
void CountOwnerSale(Decision& decision, CustomerState& customer, absl::Time time, int64_t amount);

// The 400 for an event that would take `what` past int64 minor units.
absl::Status TotalTooLarge(const Program& program, absl::string_view what);

// Adds the decision's money movements to each partner's all-time totals (read through `view`,
// written to `decision.put_partner_totals`); kInvalidArgument when one would pass int64.
absl::Status AccountTotals(const Program& program, AttributionView& view, Decision& decision);

// Records in the partner's totals of `decision` (AccountTotals first) that it was credited a
// conversion at `time`, if that is its first. Nothing for "" (unattributed).
void NoteFirstConversion(Decision& decision, absl::string_view partner, absl::Time time);

}  // namespace clicktrack::attribution::engine_internal
