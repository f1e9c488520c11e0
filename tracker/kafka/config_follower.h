#pragma once

// A cluster node's copy of the config (docs/scale-out.md): one thread that reads
// clicktrack.config from the offset after the last record applied and applies each record to
// the local store, which serves redirects from it whether Kafka answers or not.

#include <atomic>
#include <string>
#include <thread>

#include "absl/status/status.h"

#include "storage/store.h"
#include "tracker/common/metrics.h"
#include "tracker/kafka/kafka_client.h"

namespace clicktrack::tracker {

class ConfigFollower {
 public:
  ConfigFollower(storage::ConfigReplica& replica, std::string bootstrap);
  ~ConfigFollower();  // stops after the record being applied
  ConfigFollower(const ConfigFollower&) = delete;
  ConfigFollower& operator=(const ConfigFollower&) = delete;

  // Makes the consumer and starts the thread. kInvalidArgument for a setting librdkafka
  // refuses.
  absl::Status Start();

  void WriteMetrics(MetricsText& out) const;

 private:
  void Loop();
  void Apply(const rd_kafka_message_t& message);

  storage::ConfigReplica& replica_;
  const std::string bootstrap_;
  KafkaHandle consumer_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> applied_total_{0};
  std::atomic<uint64_t> unreadable_total_{0};
};

}  // namespace clicktrack::tracker
