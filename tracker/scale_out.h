#pragma once

// What --role edge adds to the single process (docs/scale-out.md): the check of the Kafka
// topics at start, and the click shipper. --role core is not built yet.

#include <memory>
#include <optional>

#include "storage/store.h"
#include "tracker/config.h"
#include "tracker/kafka/click_shipper.h"

namespace clicktrack::tracker {

// What the check before the store opens found.
struct ScaleOutCheck {
  // Set for a node that must not start: 2 for --role core (not built) and for topics that
  // are missing or have fewer partitions than --partitions (said on stderr).
  std::optional<int> exit_status;
  // Not OK when the cluster did not answer: the node starts degraded (LogScaleOutCheck).
  absl::Status kafka;
};
ScaleOutCheck CheckScaleOut(const Config& config);
// After the listening line (their logs may start at once): logs a cluster that did not answer
// at start and starts the edge's shipper, if any. False, logged, if it could not start.
bool StartScaleOut(const ScaleOutCheck& check, ClickShipper* shipper);

// An edge's shipper over `store`'s ship log, not started; nullptr for --role all.
std::unique_ptr<ClickShipper> MakeShipper(const Config& config, storage::Store& store);

}  // namespace clicktrack::tracker
