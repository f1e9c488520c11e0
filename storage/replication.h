#pragma once

// The store's roles in a cluster over Kafka (docs/scale-out.md): the ship log a node's clicks
// and config changes leave by, and the copy of the cluster's config a node applies.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

#include "attribution/click.h"

namespace clicktrack::storage {

// What a node ships to Kafka (docs/scale-out.md): a click to clicktrack.clicks, keyed by its
// program, or a config change to clicktrack.config, keyed by the record's key in the store.
enum class ShipTopic { kClicks, kConfig };
struct ShipEntry {
  uint64_t position = 0;  // its place in the ship log
  ShipTopic topic = ShipTopic::kClicks;
  std::string key;
  // A click's shipped bytes (DecodeShippedClick reads them on any node); a config record's
  // value (ConfigReplica::ApplyConfig); none for a config record deleted.
  std::optional<std::string> value;
};

// The click with its id, program, partner, link, customer, flags and subs, as recorded by
// the node that redirected; kDataLoss for bytes that are no shipped click.
absl::StatusOr<attribution::Click> DecodeShippedClick(absl::string_view bytes);

// A node's ship log: with StoreOptions::ship_clicks every click written gets an entry in the
// same write, and with ship_config every config change; each keeps it until the shipper has
// Kafka's acknowledgement.
class ShipLog {
 public:
  virtual ~ShipLog() = default;

  // Up to `most` entries after position `after` and after the last one shipped, in position
  // order. None at or past a write still under way, so that no entry can appear later
  // before one returned.
  virtual absl::StatusOr<std::vector<ShipEntry>> ReadShippable(uint64_t after,
                                                               size_t most) const = 0;
  // Records `through` as shipped: the entries up to it, `count` of them, leave the log
  // (their space is reclaimed in runs).
  virtual absl::Status MarkShipped(uint64_t through, uint64_t count) = 0;
  // The last position shipped (0: none): where the shipper starts after a restart.
  virtual uint64_t shipped_through() const = 0;
  // Entries stored and not shipped.
  virtual uint64_t backlog() const = 0;
};

// A node's copy of the cluster's config (docs/scale-out.md): the records of clicktrack.config
// applied in the topic's order, each with its offset, so that a restart resumes after it.
class ConfigReplica {
 public:
  virtual ~ConfigReplica() = default;

  // The offset of the last record applied; -1 for none.
  virtual int64_t applied_offset() const = 0;
  // Applies one record as the writing node's store shipped it (ShipEntry of kConfig): its
  // key and value, none for a record deleted. kDataLoss for a record that cannot be read:
  // its offset is applied without it, so one bad record never stops the ones after it.
  virtual absl::Status ApplyConfig(absl::string_view key, std::optional<absl::string_view> value,
                                   int64_t offset) = 0;
};

}  // namespace clicktrack::storage
