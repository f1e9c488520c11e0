#pragma once

// The JSON of report figures: money as decimal strings, percentages and ratios as decimal
// strings, and null for a ratio with nothing to divide by.

#include <optional>

#include "boost/json/object.hpp"
#include "boost/json/value.hpp"

#include "attribution/money.h"
#include "attribution/program.h"
#include "attribution/stats_counter.h"

namespace clicktrack::tracker {

boost::json::value MoneyOrNull(std::optional<int64_t> minor, const attribution::Currency& currency);
boost::json::value PercentOrNull(std::optional<attribution::Percent> percent);

// Every figure of SPEC §6 stats that counters over a range give (attribution/reports/figures.h).
boost::json::object EncodeFigures(const attribution::Program& program,
                                  const attribution::CounterTotals& totals);

// The commission of the entries created in a range by status: "pending", "approved" and
// "paid" accruals and bonuses (summing to what was accrued), and "reversed", what refunds took
// back (so pending + approved + paid - reversed = commission.total). `pending_minor` comes from
// the ledger (PendingCommission); the rest from counters.
boost::json::object EncodeCommissionByStatus(const attribution::Program& program,
                                             const attribution::CounterTotals& totals,
                                             int64_t pending_minor);

}  // namespace clicktrack::tracker
