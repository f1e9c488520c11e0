#pragma once

// What a cluster node adds to the single process (docs/scale-out.md): the check of the Kafka
// topics at start, the shipper of its clicks (an edge's) and config changes, the follower of
// the config topic, and a core's intake of the edges' clicks.

#include <memory>
#include <optional>
#include <string>

#include "storage/store.h"
#include "tracker/common/metrics.h"
#include "tracker/config.h"
#include "tracker/kafka/click_consumer.h"
#include "tracker/kafka/click_shipper.h"
#include "tracker/kafka/config_follower.h"

namespace clicktrack::tracker {

// What the check before the store opens found.
struct ScaleOutCheck {
  // Set for a node that must not start: 2 for topics that are missing or have fewer
  // partitions than --partitions (said on stderr).
  std::optional<int> exit_status;
  // Not OK when the cluster did not answer: the node starts degraded (StartScaleOut logs it).
  absl::Status kafka;
};
ScaleOutCheck CheckScaleOut(const Config& config);

// The store options of a node of this role.
storage::StoreOptions StoreOptionsFor(const Config& config, attribution::IdSource* ids);

class ScaleOut {
 public:
  // A node's threads over `store`, not started; nullptr for --role all.
  static std::unique_ptr<ScaleOut> Make(const Config& config, storage::Store& store);

  // After the listening line (their logs may start at once): logs a cluster that did not
  // answer at start and starts the threads. False, logged, if one could not start.
  bool Start(const ScaleOutCheck& check);

  // Why the link to Kafka is degraded, "" while it is not (/readyz).
  std::string degraded() const { return shipper_.degraded(); }
  void WriteMetrics(MetricsText& out) const;

 private:
  ScaleOut(storage::Store& store, const Config& config);

  ClickShipper shipper_;
  ConfigFollower follower_;
  std::unique_ptr<ClickConsumer> consumer_;  // a core's
};

}  // namespace clicktrack::tracker
