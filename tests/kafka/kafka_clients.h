#pragma once

// librdkafka clients for tests: a producer or consumer from settings, and a whole topic read
// by a fresh consumer group.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"

#include <librdkafka/rdkafka.h>

namespace clicktrack::testing {

struct KafkaDeleter {
  void operator()(rd_kafka_t* kafka) const { rd_kafka_destroy(kafka); }
};
using Kafka = std::unique_ptr<rd_kafka_t, KafkaDeleter>;

// Counts delivery reports, from rd_kafka_poll/flush on the test's thread.
struct Deliveries {
  int delivered = 0;
  int failed = 0;
};

// A client of `type` with `settings`; `deliveries` (a producer's) counts its reports.
Kafka NewClient(rd_kafka_type_t type, const std::map<std::string, std::string>& settings,
                Deliveries* deliveries = nullptr);

struct Consumed {
  int partition = -1;
  std::string key;
  std::string value;
};

// The messages of `topic` that a new consumer group reading from the start sees (with
// `isolation`: read_committed or read_uncommitted), once `expected` arrived or `timeout`
// passed.
std::vector<Consumed> ConsumeTopic(const std::string& bootstrap, const std::string& topic,
                                   const std::string& isolation, size_t expected,
                                   absl::Duration timeout);

}  // namespace clicktrack::testing
