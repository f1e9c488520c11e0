#pragma once

// SPEC §6's derived figures: the ratios a report computes from summed counters. Pure. Every
// ratio is rounded to its unit (a minor unit, a hundredth), halves away from zero, and is
// nullopt when its denominator is zero: "no clicks" has no EPC, not an EPC of 0.

#include <cstdint>
#include <optional>

#include "attribution/money.h"
#include "attribution/stats_counter.h"

namespace clicktrack::attribution::reports {

// numerator / denominator rounded to the nearest integer, halves away from zero; nullopt for a
// zero denominator. Exact for any int64 operands (128-bit arithmetic).
std::optional<int64_t> RoundedRatio(int64_t numerator, int64_t denominator);
// numerator / denominator as a percentage in hundredths (1 of 8 -> 1250, "12.5").
std::optional<Percent> PercentOf(int64_t numerator, int64_t denominator);
// numerator / denominator in hundredths, held as a Percent for its format (3 of 2 -> "1.5").
std::optional<Percent> HundredthsOf(int64_t numerator, int64_t denominator);

// What a partner's (or the program's) counters over a range say.
struct Figures {
  int64_t sales = 0;                           // first sales, repeat sales and upsells
  int64_t conversions = 0;                     // sales and leads
  int64_t commission_minor = 0;                // every movement: accruals, reversals, bonuses
  int64_t net_revenue_minor = 0;               // revenue minus refunds
  std::optional<int64_t> epc_minor;            // commission per click
  std::optional<Percent> conversion_rate;      // sales per unique click
  std::optional<int64_t> average_order_minor;  // revenue per sale
  // Of the customers acquired in the range: those with 2+ sales per those with 1+, their
  // net revenue per customer acquired, and their sales per customer acquired.
  std::optional<Percent> repeat_purchase_rate;
  std::optional<int64_t> average_ltv_minor;
  std::optional<Percent> sales_per_customer;  // hundredths of a sale: 150 -> "1.5"
};
Figures FiguresOf(const CounterTotals& totals);

}  // namespace clicktrack::attribution::reports
