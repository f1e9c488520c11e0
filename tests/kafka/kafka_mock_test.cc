// What the scale-out relies on from Kafka, checked on the mock cluster that its tests run on
// (3 brokers, replication factor 3): an idempotent producer with acks=all delivers every
// message once through an outage of every broker, and a transaction's messages are seen by a
// read_committed consumer group all together or not at all.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

#include "tests/kafka/kafka_clients.h"
#include "tests/kafka/kafka_mock_process.h"

#include <librdkafka/rdkafka.h>

namespace clicktrack::testing {
namespace {

constexpr char kTopic[] = "clicktrack.clicks";

void Produce(rd_kafka_t* producer, const std::string& key, const std::string& value) {
  const rd_kafka_resp_err_t err =
      rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(kTopic), RD_KAFKA_V_KEY(key.data(), key.size()),
                        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
  ASSERT_EQ(err, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(err);
}

// Every value in the topic, counted, once `expected` arrived or `timeout` passed.
std::map<std::string, int> ConsumeAll(const std::string& bootstrap, const std::string& isolation,
                                      int expected, absl::Duration timeout) {
  std::map<std::string, int> seen;
  for (const Consumed& message :
       ConsumeTopic(bootstrap, kTopic, isolation, static_cast<size_t>(expected), timeout)) {
    ++seen[message.value];
  }
  return seen;
}

std::vector<std::string> MockArgs() {
  return {"--brokers", "3", "--topic", absl::StrCat(kTopic, ":4:3")};
}

TEST(KafkaMockTest, AnIdempotentProducerDeliversEveryMessageOnceThroughAnOutage) {
  absl::StatusOr<std::unique_ptr<KafkaMock>> mock = KafkaMock::Start(MockArgs());
  ASSERT_TRUE(mock.ok()) << mock.status();
  Deliveries deliveries;
  Kafka producer = NewClient(RD_KAFKA_PRODUCER,
                             {{"bootstrap.servers", (*mock)->bootstrap()},
                              {"enable.idempotence", "true"},
                              {"acks", "all"},
                              {"message.timeout.ms", "60000"}},
                             &deliveries);
  for (int i = 0; i < 50; ++i) {
    Produce(producer.get(), absl::StrCat("program-", i % 7), absl::StrCat("before-", i));
  }
  ASSERT_EQ(rd_kafka_flush(producer.get(), 20'000), RD_KAFKA_RESP_ERR_NO_ERROR);
  ASSERT_TRUE((*mock)->Command("down all").ok());
  for (int i = 0; i < 50; ++i) {
    Produce(producer.get(), absl::StrCat("program-", i % 7), absl::StrCat("during-", i));
  }
  rd_kafka_flush(producer.get(), 2'000);  // nothing can be acknowledged meanwhile
  EXPECT_EQ(deliveries.delivered, 50);
  ASSERT_TRUE((*mock)->Command("up all").ok());
  ASSERT_EQ(rd_kafka_flush(producer.get(), 30'000), RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(deliveries.delivered, 100);
  EXPECT_EQ(deliveries.failed, 0);

  const std::map<std::string, int> seen =
      ConsumeAll((*mock)->bootstrap(), "read_committed", 100, absl::Seconds(30));
  EXPECT_EQ(seen.size(), 100u);
  for (const auto& [value, count] : seen) {
    EXPECT_EQ(count, 1) << value;
  }
}

TEST(KafkaMockTest, ATransactionIsSeenWholeOrNotAtAll) {
  absl::StatusOr<std::unique_ptr<KafkaMock>> mock = KafkaMock::Start(MockArgs());
  ASSERT_TRUE(mock.ok()) << mock.status();
  Kafka producer = NewClient(RD_KAFKA_PRODUCER, {{"bootstrap.servers", (*mock)->bootstrap()},
                                                 {"transactional.id", "core-0"}});
  auto check = [](rd_kafka_error_t* error) {
    const std::string text = error == nullptr ? "" : rd_kafka_error_string(error);
    if (error != nullptr) {
      rd_kafka_error_destroy(error);
    }
    return text;
  };
  ASSERT_EQ(check(rd_kafka_init_transactions(producer.get(), 30'000)), "");
  ASSERT_EQ(check(rd_kafka_begin_transaction(producer.get())), "");
  for (int i = 0; i < 10; ++i) {
    Produce(producer.get(), "program-a", absl::StrCat("committed-", i));
  }
  ASSERT_EQ(check(rd_kafka_commit_transaction(producer.get(), 30'000)), "");
  ASSERT_EQ(check(rd_kafka_begin_transaction(producer.get())), "");
  for (int i = 0; i < 10; ++i) {
    Produce(producer.get(), "program-a", absl::StrCat("aborted-", i));
  }
  ASSERT_EQ(check(rd_kafka_abort_transaction(producer.get(), 30'000)), "");
  ASSERT_EQ(check(rd_kafka_begin_transaction(producer.get())), "");
  Produce(producer.get(), "program-a", "last");
  ASSERT_EQ(check(rd_kafka_commit_transaction(producer.get(), 30'000)), "");

  const std::map<std::string, int> seen =
      ConsumeAll((*mock)->bootstrap(), "read_committed", 11, absl::Seconds(30));
  EXPECT_EQ(seen.size(), 11u);
  EXPECT_EQ(seen.count("last"), 1u);
  for (const auto& [value, count] : seen) {
    EXPECT_FALSE(value.starts_with("aborted-")) << value;
  }
}

}  // namespace
}  // namespace clicktrack::testing
