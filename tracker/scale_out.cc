#include "tracker/scale_out.h"

#include <iostream>

#include "tracker/common/log.h"

namespace clicktrack::tracker {
namespace {

// How long the start waits for the cluster's metadata before it goes on without it.
constexpr absl::Duration kTopicCheckTimeout = absl::Seconds(5);

}  // namespace

ScaleOutCheck CheckScaleOut(const Config& config) {
  if (config.role == Role::kAll) {
    return {};
  }
  absl::Status topics = CheckTopics(config.kafka, config.partitions, kTopicCheckTimeout);
  if (absl::IsFailedPrecondition(topics) || absl::IsInvalidArgument(topics)) {
    std::cerr << "trackerd: " << topics.message() << "\n";
    return {.exit_status = 2};
  }
  return {.kafka = std::move(topics)};
}

storage::StoreOptions StoreOptionsFor(const Config& config, attribution::IdSource* ids) {
  return {.path = config.data_dir,
          .ids = ids,
          .ship_clicks = config.role == Role::kEdge,
          .ship_config = config.role != Role::kAll};
}

std::unique_ptr<ScaleOut> ScaleOut::Make(const Config& config, storage::Store& store) {
  if (config.role == Role::kAll || store.ship_log() == nullptr ||
      store.config_replica() == nullptr) {
    return nullptr;
  }
  return std::unique_ptr<ScaleOut>(new ScaleOut(store, config));
}

ScaleOut::ScaleOut(storage::Store& store, const Config& config)
    : shipper_(*store.ship_log(), {.bootstrap = config.kafka, .partitions = config.partitions}),
      follower_(*store.config_replica(), config.kafka) {
  if (config.role == Role::kCore) {
    consumer_ = std::make_unique<ClickConsumer>(store.clicks(), config.kafka);
  }
}

bool ScaleOut::Start(const ScaleOutCheck& check) {
  if (!check.kafka.ok()) {
    Log(LogLevel::kWarn, "kafka unreachable at start: redirecting from the local config",
        {{"error", JsonText(check.kafka.message())}});
  }
  for (absl::Status started : {shipper_.Start(), follower_.Start(),
                               consumer_ == nullptr ? absl::OkStatus() : consumer_->Start()}) {
    if (!started.ok()) {
      Log(LogLevel::kError, "cannot start the link to Kafka",
          {{"error", JsonText(started.message())}});
      return false;
    }
  }
  return true;
}

void ScaleOut::WriteMetrics(MetricsText& out) const {
  shipper_.WriteMetrics(out);
  follower_.WriteMetrics(out);
  if (consumer_ != nullptr) {
    consumer_->WriteMetrics(out);
  }
}

}  // namespace clicktrack::tracker
