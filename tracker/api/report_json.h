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

}  // namespace clicktrack::tracker
