#pragma once

// A cluster node's shipper (docs/scale-out.md): one thread that produces the ship log's
// entries in position order, clicks to clicktrack.clicks and config changes to
// clicktrack.config, with an idempotent producer (acks=all), and removes each run from the log
// once Kafka acknowledged all of it. Redirects never wait for it; while Kafka is away the log
// only grows (backlog()).

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

#include "storage/store.h"
#include "tracker/common/metrics.h"
#include "tracker/kafka/kafka_client.h"

namespace clicktrack::tracker {

struct ShipperOptions {
  std::string bootstrap;
  int partitions = 12;  // a program's clicks go to partition ProgramPartition(program)
  size_t run = 4096;    // the most entries produced before waiting for their acknowledgement
  absl::Duration idle_wait = absl::Milliseconds(20);  // between looks at an empty log
};

// The partition of `program_id`'s events among `partitions`: the same on every node.
int ProgramPartition(absl::string_view program_id, int partitions);

class ClickShipper {
 public:
  ClickShipper(storage::ShipLog& log, ShipperOptions options);
  // Stops: a run not acknowledged stays in the log and ships after the next start.
  ~ClickShipper();
  ClickShipper(const ClickShipper&) = delete;
  ClickShipper& operator=(const ClickShipper&) = delete;

  // Makes the producer and starts the thread. kInvalidArgument for a setting librdkafka refuses.
  absl::Status Start();

  // Why Kafka is degraded ("" while the last run was acknowledged in time): for /readyz.
  std::string degraded() const;
  // The gauges and counters of /metrics.
  void WriteMetrics(MetricsText& out) const;

 private:
  void Loop();
  // Produces `entries` and waits for all their acknowledgements; false if any failed or the
  // shipper is stopping.
  bool ShipRun(const std::vector<storage::ShipEntry>& entries);
  bool WaitForDeliveries();
  // Waits `wait` while serving librdkafka's callbacks.
  void Pause(absl::Duration wait);
  void SetDegraded(std::string why);
  static void OnDelivery(rd_kafka_t* kafka, const rd_kafka_message_t* message, void* opaque);
  static void OnError(rd_kafka_t* kafka, int err, const char* reason, void* opaque);

  storage::ShipLog& log_;
  const ShipperOptions options_;
  KafkaHandle producer_;
  // Topic handles made once: a message produced by topic name costs a look-up of the name.
  rd_kafka_topic_t* clicks_topic_ = nullptr;
  rd_kafka_topic_t* config_topic_ = nullptr;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  // Of the run in flight, counted by OnDelivery on the shipper's own thread (rd_kafka_poll).
  int64_t failed_ = 0;
  std::string last_failure_;
  mutable std::mutex degraded_mu_;
  std::string degraded_;
  std::atomic<uint64_t> clicks_shipped_{0};
  std::atomic<uint64_t> config_shipped_{0};
  std::atomic<uint64_t> failed_runs_{0};
};

}  // namespace clicktrack::tracker
