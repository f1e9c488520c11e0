#pragma once

// A core node's intake of clicks (docs/scale-out.md): one thread in the consumer group of
// the cores over clicktrack.clicks that stores each click its edge shipped, by id, so that a
// click shipped twice (an edge's run sent again) or read twice (a core restarted before its
// commit) is stored once. Offsets are committed after the clicks are written.
// Not built yet: a store per partition and the changelog that lets another core take over.

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"

#include "storage/store.h"
#include "tracker/common/metrics.h"
#include "tracker/kafka/kafka_client.h"

namespace clicktrack::tracker {

class ClickConsumer {
 public:
  ClickConsumer(storage::ClickLog& clicks, std::string bootstrap);
  ~ClickConsumer();  // leaves the group after the batch being stored
  ClickConsumer(const ClickConsumer&) = delete;
  ClickConsumer& operator=(const ClickConsumer&) = delete;

  // Joins the group. kInvalidArgument for a setting librdkafka refuses.
  absl::Status Start();

  void WriteMetrics(MetricsText& out) const;

 private:
  void Loop();
  // Stores the clicks of `messages` not stored before; false if the store refused them.
  bool Store(const std::vector<rd_kafka_message_t*>& messages);

  storage::ClickLog& clicks_;
  const std::string bootstrap_;
  KafkaHandle consumer_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> stored_{0};
  std::atomic<uint64_t> repeated_{0};
  std::atomic<uint64_t> unreadable_{0};
};

}  // namespace clicktrack::tracker
