#pragma once

// librdkafka handles and the cluster's topics (docs/scale-out.md). The only place besides
// the shipper that includes librdkafka.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

#include <librdkafka/rdkafka.h>

namespace clicktrack::tracker {

inline constexpr char kConfigTopic[] = "clicktrack.config";
inline constexpr char kClicksTopic[] = "clicktrack.clicks";
inline constexpr char kConversionsTopic[] = "clicktrack.conversions";
inline constexpr char kDecisionsTopic[] = "clicktrack.decisions";
inline constexpr char kChangelogTopic[] = "clicktrack.changelog";

struct KafkaDeleter {
  void operator()(rd_kafka_t* kafka) const { rd_kafka_destroy(kafka); }
};
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaDeleter>;

using KafkaSettings = std::vector<std::pair<std::string, std::string>>;

// What librdkafka calls back from rd_kafka_poll, on the polling thread.
struct ProducerCallbacks {
  void (*on_delivery)(rd_kafka_t*, const rd_kafka_message_t*, void* opaque) = nullptr;
  void (*on_error)(rd_kafka_t*, int err, const char* reason, void* opaque) = nullptr;
  void* opaque = nullptr;
  bool quiet = false;  // none of librdkafka's log lines (its caller reports the outcome)
};

// A producer on `bootstrap` with `settings` on top of trackerd's (its log lines go to
// trackerd's log). kInvalidArgument naming the setting librdkafka refused.
absl::StatusOr<KafkaHandle> NewProducer(const std::string& bootstrap, const KafkaSettings& settings,
                                        const ProducerCallbacks& callbacks = {});

// A consumer on `bootstrap` with `settings` on top of trackerd's; its messages come from
// rd_kafka_consumer_poll. kInvalidArgument naming the setting librdkafka refused.
absl::StatusOr<KafkaHandle> NewConsumer(const std::string& bootstrap,
                                        const KafkaSettings& settings);

// Whether the cluster at `bootstrap` has every topic the event partitions live on
// (clicks, conversions) with at least `partitions` partitions, and the other topics at all.
// kFailedPrecondition naming the topic that is missing or short (a misconfiguration);
// kUnavailable when no broker answered within `timeout` (the node starts degraded).
absl::Status CheckTopics(const std::string& bootstrap, int partitions, absl::Duration timeout);

}  // namespace clicktrack::tracker
