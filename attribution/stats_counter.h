#pragma once

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
};

}  // namespace clicktrack::attribution
