#include "tests/kafka/kafka_clients.h"

#include <atomic>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace clicktrack::testing {

Kafka NewClient(rd_kafka_type_t type, const std::map<std::string, std::string>& settings,
                Deliveries* deliveries) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char error[512];
  for (const auto& [name, value] : settings) {
    EXPECT_EQ(rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error, sizeof(error)),
              RD_KAFKA_CONF_OK)
        << name << ": " << error;
  }
  if (deliveries != nullptr) {
    rd_kafka_conf_set_opaque(conf, deliveries);
    rd_kafka_conf_set_dr_msg_cb(
        conf, [](rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
          auto* counts = static_cast<Deliveries*>(opaque);
          (message->err == RD_KAFKA_RESP_ERR_NO_ERROR ? counts->delivered : counts->failed) += 1;
        });
  }
  rd_kafka_t* kafka = rd_kafka_new(type, conf, error, sizeof(error));
  EXPECT_NE(kafka, nullptr) << error;
  return Kafka(kafka);
}

std::vector<Consumed> ConsumeTopic(const std::string& bootstrap, const std::string& topic,
                                   const std::string& isolation, size_t expected,
                                   absl::Duration timeout) {
  static std::atomic<int> groups{0};
  Kafka consumer =
      NewClient(RD_KAFKA_CONSUMER, {{"bootstrap.servers", bootstrap},
                                    {"group.id", absl::StrCat("test-reader-", groups++)},
                                    {"auto.offset.reset", "earliest"},
                                    {"isolation.level", isolation}});
  rd_kafka_poll_set_consumer(consumer.get());
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, topic.c_str(), RD_KAFKA_PARTITION_UA);
  EXPECT_EQ(rd_kafka_subscribe(consumer.get(), topics), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_partition_list_destroy(topics);
  std::vector<Consumed> seen;
  const absl::Time deadline = absl::Now() + timeout;
  while (seen.size() < expected && absl::Now() < deadline) {
    rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer.get(), 100);
    if (message == nullptr) {
      continue;
    }
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      seen.push_back(
          {.partition = message->partition,
           .key = std::string(static_cast<const char*>(message->key), message->key_len),
           .value = std::string(static_cast<const char*>(message->payload), message->len)});
    }
    rd_kafka_message_destroy(message);
  }
  rd_kafka_consumer_close(consumer.get());
  return seen;
}

}  // namespace clicktrack::testing
