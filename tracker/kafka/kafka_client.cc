#include "tracker/kafka/kafka_client.h"

#include <array>

#include "absl/strings/str_cat.h"

#include "tracker/common/log.h"

namespace clicktrack::tracker {
namespace {

// librdkafka's syslog levels to ours: 0-4 warnings (a broker away is what the node is built
// to ride out, not an error of its own), 5-6 info, 7 debug.
LogLevel LevelOf(int syslog_level) {
  if (syslog_level <= 4) {
    return LogLevel::kWarn;
  }
  return syslog_level <= 6 ? LogLevel::kInfo : LogLevel::kDebug;
}

void LogNothing(const rd_kafka_t* /*kafka*/, int /*level*/, const char* /*facility*/,
                const char* /*message*/) {}

void LogFromKafka(const rd_kafka_t* /*kafka*/, int level, const char* facility,
                  const char* message) {
  Log(LevelOf(level), "kafka", {{"facility", JsonText(facility)}, {"detail", JsonText(message)}});
}

struct MetadataDeleter {
  void operator()(const rd_kafka_metadata_t* metadata) const {
    rd_kafka_metadata_destroy(metadata);
  }
};

// A client of `type`: trackerd's settings, then `settings`, then the callbacks.
absl::StatusOr<KafkaHandle> NewClient(rd_kafka_type_t type, const std::string& bootstrap,
                                      const KafkaSettings& settings,
                                      const ProducerCallbacks& callbacks) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::array<char, 512> error{};
  KafkaSettings all = {{"bootstrap.servers", bootstrap}, {"client.id", "trackerd"}};
  all.insert(all.end(), settings.begin(), settings.end());
  for (const auto& [name, value] : all) {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error.data(), error.size()) !=
        RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return absl::InvalidArgumentError(absl::StrCat("Kafka setting ", name, ": ", error.data()));
    }
  }
  rd_kafka_conf_set_log_cb(conf, callbacks.quiet ? LogNothing : LogFromKafka);
  rd_kafka_conf_set_opaque(conf, callbacks.opaque);
  if (callbacks.on_delivery != nullptr) {
    rd_kafka_conf_set_dr_msg_cb(conf, callbacks.on_delivery);
  }
  if (callbacks.on_error != nullptr) {
    rd_kafka_conf_set_error_cb(conf, callbacks.on_error);
  }
  rd_kafka_t* kafka = rd_kafka_new(type, conf, error.data(), error.size());
  if (kafka == nullptr) {  // the configuration is still ours to free
    rd_kafka_conf_destroy(conf);
    return absl::InvalidArgumentError(absl::StrCat("Kafka client: ", error.data()));
  }
  return KafkaHandle(kafka);
}

}  // namespace

absl::StatusOr<KafkaHandle> NewProducer(const std::string& bootstrap, const KafkaSettings& settings,
                                        const ProducerCallbacks& callbacks) {
  return NewClient(RD_KAFKA_PRODUCER, bootstrap, settings, callbacks);
}

absl::StatusOr<KafkaHandle> NewConsumer(const std::string& bootstrap,
                                        const KafkaSettings& settings) {
  return NewClient(RD_KAFKA_CONSUMER, bootstrap, settings, {});
}

absl::Status CheckTopics(const std::string& bootstrap, int partitions, absl::Duration timeout) {
  absl::StatusOr<KafkaHandle> client = NewProducer(bootstrap, {}, {.quiet = true});
  if (!client.ok()) {
    return client.status();
  }
  const rd_kafka_metadata_t* raw = nullptr;
  const rd_kafka_resp_err_t err =
      rd_kafka_metadata(client->get(), /*all_topics=*/1, nullptr, &raw,
                        static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::UnavailableError(
        absl::StrCat("Kafka at ", bootstrap, " did not answer: ", rd_kafka_err2str(err)));
  }
  const std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter> metadata(raw);
  for (const char* topic :
       {kConfigTopic, kClicksTopic, kConversionsTopic, kDecisionsTopic, kChangelogTopic}) {
    const bool event_topic = topic == kClicksTopic || topic == kConversionsTopic;
    int found = -1;
    for (int i = 0; i < metadata->topic_cnt; ++i) {
      if (metadata->topics[i].topic == std::string_view(topic) &&
          metadata->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        found = metadata->topics[i].partition_cnt;
      }
    }
    if (found < 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "Kafka at ", bootstrap, " has no topic ", topic,
          "; create the topics first (docs/scale-out.md, \"Running it on a Kafka cluster\")"));
    }
    if (event_topic && found < partitions) {
      return absl::FailedPreconditionError(
          absl::StrCat("topic ", topic, " has ", found, " partitions, fewer than --partitions ",
                       partitions, "; add partitions or lower --partitions"));
    }
  }
  return absl::OkStatus();
}

}  // namespace clicktrack::tracker
