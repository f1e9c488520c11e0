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

// The 400 for an event that would take `what` past int64 minor units.
absl::Status TotalTooLarge(const Program& program, absl::string_view what);

// Adds the decision's money movements to each partner's all-time totals (read through `view`,
// written to `decision.put_partner_totals`); kInvalidArgument when one would pass int64.
absl::Status AccountTotals(const Program& program, AttributionView& view, Decision& decision);

}  // namespace clicktrack::attribution::engine_internal
