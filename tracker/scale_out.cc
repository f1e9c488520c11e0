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
  if (config.role == Role::kCore) {
    std::cerr << "trackerd: --role core is not built yet (docs/scale-out.md); run --role all\n";
    return {.exit_status = 2};
  }
  absl::Status topics = CheckTopics(config.kafka, config.partitions, kTopicCheckTimeout);
  if (absl::IsFailedPrecondition(topics) || absl::IsInvalidArgument(topics)) {
    std::cerr << "trackerd: " << topics.message() << "\n";
    return {.exit_status = 2};
  }
  return {.kafka = std::move(topics)};
}

bool StartScaleOut(const ScaleOutCheck& check, ClickShipper* shipper) {
  if (!check.kafka.ok()) {
    Log(LogLevel::kWarn, "kafka unreachable at start: redirecting from the local config",
        {{"error", JsonText(check.kafka.message())}});
  }
  if (shipper == nullptr) {
    return true;
  }
  if (absl::Status started = shipper->Start(); !started.ok()) {
    Log(LogLevel::kError, "cannot ship clicks", {{"error", JsonText(started.message())}});
    return false;
  }
  return true;
}

std::unique_ptr<ClickShipper> MakeShipper(const Config& config, storage::Store& store) {
  if (config.role != Role::kEdge || store.ship_log() == nullptr) {
    return nullptr;
  }
  return std::make_unique<ClickShipper>(
      *store.ship_log(),
      ShipperOptions{.bootstrap = config.kafka, .partitions = config.partitions});
}

}  // namespace clicktrack::tracker
