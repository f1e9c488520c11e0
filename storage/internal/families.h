#pragma once

#include <cstddef>

namespace clicktrack::storage_internal {

// Column families, in the order they are opened (DESIGN.md's data table).
enum Family : size_t {
  kDefault,
  kConfig,
  kClicks,
  kCustomerClicks,
  kStats,
  kIdentities,
  kCustomers,
  kConversions,
  kRefunds,
  kLedger,
  kOutbox,
  kShipLog,  // an edge node's clicks not yet shipped to Kafka (docs/scale-out.md)
  kFamilyCount
};

inline constexpr const char* kFamilyNames[kFamilyCount] = {
    "default",   "config",      "clicks",  "customer_clicks", "stats",  "identities",
    "customers", "conversions", "refunds", "ledger",          "outbox", "ship_log"};

}  // namespace clicktrack::storage_internal
