#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace clicktrack::attribution {

// The daily counters kept per (program, partner, UTC day). Numbers are stored: never
// renumber. Unattributed conversions count under the partner id "".
enum class StatsCounter : uint8_t {
  kClicks = 1,
  kUniqueClicks = 2,
  kLeads = 3,
  kFirstSales = 4,
  kRepeatSales = 5,
  kUpsells = 6,
  kRevenue = 7,         // sales amounts, minor units (leads excluded; refunds not deducted)
  kRefunded = 8,        // refunded amounts of sales, minor units
  kCommissionLead = 9,  // signed commission movements by kind, minor units
  kCommissionFirstSale = 10,
  kCommissionRepeatSale = 11,
  kCommissionUpsell = 12,
  kBonus = 13,              // loyalty bonuses, minor units
  kCustomersAcquired = 14,  // customers who became this partner's
  // Counted on the day the customer was acquired (the partner became its owner), whenever the
  // customer buys from that owner later: "the customers acquired that day" as they are now.
  kCustomersWithSale = 15,   // those who made a sale since
  kRepeatCustomers = 16,     // those who made a second sale since
  kAcquiredSales = 17,       // their sales
  kAcquiredNetRevenue = 18,  // their sales amounts net of refunds, minor units
  kCommissionReversed = 19,  // commission taken back by refunds (≤ 0), minor units
  // Accruals and bonuses a payout settled, counted on the day of the entry (not of the
  // payout), minor units.
  kCommissionPaid = 20,
};

// Cohort counters (SPEC §6 cohorts) are kept per (partner, month acquired, month of activity)
// with the numbers above: kCustomersAcquired (in the month acquired), kCustomersWithSale and
// kRepeatCustomers (in the month of the first and second sale), kAcquiredSales and
// kAcquiredNetRevenue.

// Counters summed over some days (or cohort cells), by counter.
struct CounterTotals {
  std::array<int64_t, 32> values{};
  int64_t Get(StatsCounter counter) const { return values[static_cast<size_t>(counter)]; }
  void Add(const CounterTotals& other) {
    for (size_t i = 0; i < values.size(); ++i) {
      values[i] += other.values[i];
    }
  }
};

}  // namespace clicktrack::attribution
