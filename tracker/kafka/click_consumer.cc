#include "tracker/kafka/click_consumer.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

#include "tracker/common/log.h"

namespace clicktrack::tracker {
namespace {

constexpr size_t kBatch = 1024;  // the most clicks stored in one write
constexpr int kPollMillis = 50;

}  // namespace

ClickConsumer::ClickConsumer(storage::ClickLog& clicks, std::string bootstrap)
    : clicks_(clicks), bootstrap_(std::move(bootstrap)) {}

ClickConsumer::~ClickConsumer() {
  stop_.store(true);
  if (thread_.joinable()) {
    thread_.join();
  }
}

absl::Status ClickConsumer::Start() {
  absl::StatusOr<KafkaHandle> consumer =
      NewConsumer(bootstrap_, {{"group.id", "trackerd-core"},
                               {"enable.auto.commit", "false"},
                               {"auto.offset.reset", "earliest"},
                               {"isolation.level", "read_committed"},
                               // A core that died gives its partitions up after 10 s, not
                               // Kafka's default 45 s: its clicks wait no longer than that.
                               {"session.timeout.ms", "10000"},
                               {"heartbeat.interval.ms", "2000"},
                               {"enable.partition.eof", "false"}});
  if (!consumer.ok()) {
    return consumer.status();
  }
  consumer_ = *std::move(consumer);
  rd_kafka_poll_set_consumer(consumer_.get());
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, kClicksTopic, RD_KAFKA_PARTITION_UA);
  const rd_kafka_resp_err_t err = rd_kafka_subscribe(consumer_.get(), topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::InternalError(
        absl::StrCat("cannot subscribe to ", kClicksTopic, ": ", rd_kafka_err2str(err)));
  }
  thread_ = std::thread([this] { Loop(); });
  return absl::OkStatus();
}

void ClickConsumer::Loop() {
  std::vector<rd_kafka_message_t*> messages;
  while (!stop_.load()) {
    const absl::Time deadline = absl::Now() + absl::Milliseconds(kPollMillis);
    while (messages.size() < kBatch && absl::Now() < deadline && !stop_.load()) {
      rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer_.get(), kPollMillis);
      if (message == nullptr) {
        break;
      }
      if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        Log(LogLevel::kWarn, "clicks topic unreadable",
            {{"error", JsonText(rd_kafka_message_errstr(message))}});
        rd_kafka_message_destroy(message);
        continue;
      }
      messages.push_back(message);
    }
    // Offsets are committed only after the store took the clicks (a stop before that reads
    // the batch again after the next start, and stores none of it twice).
    if (messages.empty()) {
      continue;
    }
    while (!Store(messages)) {  // the store is not writable: the same batch until it is
      if (stop_.load()) {
        break;
      }
      absl::SleepFor(absl::Seconds(1));
    }
    rd_kafka_commit(consumer_.get(), nullptr, /*async=*/1);
    for (rd_kafka_message_t* message : messages) {
      rd_kafka_message_destroy(message);
    }
    messages.clear();
  }
  rd_kafka_consumer_close(consumer_.get());
}

bool ClickConsumer::Store(const std::vector<rd_kafka_message_t*>& messages) {
  std::vector<attribution::Click> fresh;
  absl::flat_hash_set<std::pair<uint64_t, uint64_t>> ids;
  for (const rd_kafka_message_t* message : messages) {
    absl::StatusOr<attribution::Click> click = storage::DecodeShippedClick(
        absl::string_view(static_cast<const char*>(message->payload), message->len));
    if (!click.ok()) {
      unreadable_.fetch_add(1, std::memory_order_relaxed);
      Log(LogLevel::kWarn, "shipped click skipped",
          {{"error", JsonText(click.status().message())}});
      continue;
    }
    if (!ids.emplace(click->id.hi, click->id.lo).second || clicks_.GetClick(click->id).ok()) {
      repeated_.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    click->new_customer = click->customer_id == click->id;  // it minted its customer
    fresh.push_back(*std::move(click));
  }
  if (fresh.empty()) {
    return true;
  }
  if (absl::Status stored = clicks_.RecordClicks(absl::MakeSpan(fresh)); !stored.ok()) {
    Log(LogLevel::kError, "shipped clicks not stored", {{"error", JsonText(stored.message())}});
    return false;
  }
  stored_.fetch_add(fresh.size(), std::memory_order_relaxed);
  return true;
}

void ClickConsumer::WriteMetrics(MetricsText& out) const {
  out.Family("clicktrack_core_clicks_total", "counter",
             "Shipped clicks read by this core, by outcome: stored, repeated (stored before), "
             "unreadable.");
  out.Sample("clicktrack_core_clicks_total", {{"outcome", "stored"}}, stored_.load());
  out.Sample("clicktrack_core_clicks_total", {{"outcome", "repeated"}}, repeated_.load());
  out.Sample("clicktrack_core_clicks_total", {{"outcome", "unreadable"}}, unreadable_.load());
}

}  // namespace clicktrack::tracker
