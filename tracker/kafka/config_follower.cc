#include "tracker/kafka/config_follower.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"

#include "tracker/common/log.h"

namespace clicktrack::tracker {

ConfigFollower::ConfigFollower(storage::ConfigReplica& replica, std::string bootstrap)
    : replica_(replica), bootstrap_(std::move(bootstrap)) {}

ConfigFollower::~ConfigFollower() {
  stop_.store(true);
  if (thread_.joinable()) {
    thread_.join();
  }
}

absl::Status ConfigFollower::Start() {
  // librdkafka wants a group for any consumer; this one never joins it (assign, not
  // subscribe) and never commits: the offset lives in the store, with the records.
  absl::StatusOr<KafkaHandle> consumer =
      NewConsumer(bootstrap_, {{"group.id", "trackerd-config"},
                               {"enable.auto.commit", "false"},
                               {"enable.auto.offset.store", "false"},
                               {"enable.partition.eof", "false"}});
  if (!consumer.ok()) {
    return consumer.status();
  }
  consumer_ = *std::move(consumer);
  // One partition, read from the record after the last one applied: no group, no commits.
  const int64_t applied = replica_.applied_offset();
  rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(assignment, kConfigTopic, 0)->offset =
      applied < 0 ? RD_KAFKA_OFFSET_BEGINNING : applied + 1;
  const rd_kafka_resp_err_t err = rd_kafka_assign(consumer_.get(), assignment);
  rd_kafka_topic_partition_list_destroy(assignment);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::InternalError(
        absl::StrCat("cannot read ", kConfigTopic, ": ", rd_kafka_err2str(err)));
  }
  thread_ = std::thread([this] { Loop(); });
  return absl::OkStatus();
}

void ConfigFollower::Loop() {
  while (!stop_.load()) {
    rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer_.get(), 100);
    if (message == nullptr) {
      continue;
    }
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      Apply(*message);
    } else {
      Log(LogLevel::kWarn, "config topic unreadable",
          {{"error", JsonText(rd_kafka_message_errstr(message))}});
    }
    rd_kafka_message_destroy(message);
  }
  rd_kafka_consumer_close(consumer_.get());
}

void ConfigFollower::Apply(const rd_kafka_message_t& message) {
  const absl::string_view key(static_cast<const char*>(message.key), message.key_len);
  std::optional<absl::string_view> value;
  if (message.payload != nullptr) {  // none: the record was deleted (a compaction tombstone)
    value = absl::string_view(static_cast<const char*>(message.payload), message.len);
  }
  const absl::Status applied = replica_.ApplyConfig(key, value, message.offset);
  if (absl::IsDataLoss(applied)) {
    unreadable_total_.fetch_add(1, std::memory_order_relaxed);
    Log(LogLevel::kWarn, "config record skipped", {{"error", JsonText(applied.message())}});
  } else if (!applied.ok()) {
    // The store refused the write: the record comes again after a restart (its offset was
    // not recorded). Until then this node serves the config it has.
    Log(LogLevel::kError, "config record not applied", {{"error", JsonText(applied.message())}});
    return;
  }
  applied_total_.fetch_add(1, std::memory_order_relaxed);
}

void ConfigFollower::WriteMetrics(MetricsText& out) const {
  out.Family("clicktrack_config_records_applied_total", "counter",
             "Records of clicktrack.config applied to this node's config, since the start.");
  out.Sample("clicktrack_config_records_applied_total", {}, applied_total_.load());
  out.Family("clicktrack_config_records_unreadable_total", "counter",
             "Records of clicktrack.config skipped because they could not be read.");
  out.Sample("clicktrack_config_records_unreadable_total", {}, unreadable_total_.load());
  out.Family("clicktrack_config_applied_offset", "gauge",
             "Offset in clicktrack.config of the last record applied (-1: none).");
  out.Sample("clicktrack_config_applied_offset", {},
             static_cast<double>(replica_.applied_offset()));
}

}  // namespace clicktrack::tracker
