#include "tracker/kafka/click_shipper.h"

#include <utility>

#include "absl/strings/str_cat.h"

#include "tracker/common/log.h"

namespace clicktrack::tracker {
namespace {

// How long a run may wait for its acknowledgement before /readyz calls Kafka degraded.
constexpr absl::Duration kSlowRun = absl::Seconds(2);
// Between a run Kafka refused and its next try.
constexpr absl::Duration kRetryPause = absl::Seconds(1);

const KafkaSettings& ShipperSettings() {
  static const KafkaSettings settings = {
      {"enable.idempotence", "true"},  // implies acks=all and ordered retries
      {"acks", "all"},
      {"linger.ms", "20"},  // redirects never wait for Kafka: fewer, larger requests
      {"compression.type", "lz4"},
      // A message not acknowledged by then fails its run, which is produced again: the core
      // stores a click by its id, so a click shipped twice is stored once.
      {"message.timeout.ms", "60000"},
  };
  return settings;
}

}  // namespace

int ProgramPartition(absl::string_view program_id, int partitions) {
  uint32_t hash = 2166136261u;  // FNV-1a: stable across builds, nodes and languages
  for (const char c : program_id) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
  }
  return static_cast<int>(hash % static_cast<uint32_t>(partitions));
}

ClickShipper::ClickShipper(storage::ShipLog& log, ShipperOptions options)
    : log_(log), options_(std::move(options)) {}

ClickShipper::~ClickShipper() {
  stop_.store(true);
  if (thread_.joinable()) {
    thread_.join();
  }
  for (rd_kafka_topic_t* topic : {clicks_topic_, config_topic_}) {
    if (topic != nullptr) {
      rd_kafka_topic_destroy(topic);
    }
  }
  if (producer_ != nullptr) {
    rd_kafka_purge(producer_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_poll(producer_.get(), 0);  // delivery reports of the purged messages
  }
}

absl::Status ClickShipper::Start() {
  absl::StatusOr<KafkaHandle> producer =
      NewProducer(options_.bootstrap, ShipperSettings(),
                  {.on_delivery = OnDelivery, .on_error = OnError, .opaque = this});
  if (!producer.ok()) {
    return producer.status();
  }
  producer_ = *std::move(producer);
  clicks_topic_ = rd_kafka_topic_new(producer_.get(), kClicksTopic, nullptr);
  config_topic_ = rd_kafka_topic_new(producer_.get(), kConfigTopic, nullptr);
  if (clicks_topic_ == nullptr || config_topic_ == nullptr) {
    return absl::InternalError(
        absl::StrCat("Kafka topic handle: ", rd_kafka_err2str(rd_kafka_last_error())));
  }
  thread_ = std::thread([this] { Loop(); });
  return absl::OkStatus();
}

void ClickShipper::Loop() {
  uint64_t after = log_.shipped_through();
  while (!stop_.load()) {
    absl::StatusOr<std::vector<storage::ShipEntry>> entries =
        log_.ReadShippable(after, options_.run);
    if (!entries.ok()) {
      Log(LogLevel::kError, "ship log unreadable",
          {{"error", JsonText(entries.status().message())}});
      SetDegraded(absl::StrCat("ship log unreadable: ", entries.status().message()));
    }
    if (!entries.ok() || entries->empty()) {
      Pause(options_.idle_wait);
      continue;
    }
    if (!ShipRun(*entries)) {
      failed_runs_.fetch_add(1, std::memory_order_relaxed);
      Pause(kRetryPause);
      continue;  // the same run again, from the log
    }
    const absl::Status marked = log_.MarkShipped(entries->back().position, entries->size());
    if (!marked.ok()) {
      Log(LogLevel::kError, "ship log not updated", {{"error", JsonText(marked.message())}});
      continue;  // shipped again next time: the core stores a click once
    }
    after = entries->back().position;
    for (const storage::ShipEntry& entry : *entries) {
      (entry.topic == storage::ShipTopic::kClicks ? clicks_shipped_ : config_shipped_)
          .fetch_add(1, std::memory_order_relaxed);
    }
    SetDegraded("");
    if (entries->size() < options_.run / 4) {
      // A short run: let the log fill, so that each run's fixed costs (a read, a write,
      // Kafka's round trip) are shared by more entries.
      Pause(options_.idle_wait);
    }
  }
}

void ClickShipper::Pause(absl::Duration wait) {
  rd_kafka_poll(producer_.get(), static_cast<int>(absl::ToInt64Milliseconds(wait)));
}

bool ClickShipper::ShipRun(const std::vector<storage::ShipEntry>& entries) {
  failed_ = 0;
  for (const storage::ShipEntry& entry : entries) {
    // A click goes to its program's partition; config to partition 0, one order for all.
    const bool click = entry.topic == storage::ShipTopic::kClicks;
    const int partition = click ? ProgramPartition(entry.key, options_.partitions) : 0;
    void* value = entry.value.has_value() ? const_cast<char*>(entry.value->data()) : nullptr;
    const size_t size = entry.value.has_value() ? entry.value->size() : 0;
    for (;;) {
      const rd_kafka_resp_err_t err = rd_kafka_producev(
          producer_.get(), RD_KAFKA_V_RKT(click ? clicks_topic_ : config_topic_),
          RD_KAFKA_V_PARTITION(partition), RD_KAFKA_V_KEY(entry.key.data(), entry.key.size()),
          RD_KAFKA_V_VALUE(value, size), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        break;
      }
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL || stop_.load()) {
        SetDegraded(absl::StrCat("not produced: ", rd_kafka_err2str(err)));
        ++failed_;
        WaitForDeliveries();
        return false;
      }
      rd_kafka_poll(producer_.get(), 50);
    }
  }
  return WaitForDeliveries() && failed_ == 0;
}

bool ClickShipper::WaitForDeliveries() {
  const absl::Time start = absl::Now();
  while (rd_kafka_outq_len(producer_.get()) > 0) {
    if (stop_.load()) {
      return false;
    }
    rd_kafka_poll(producer_.get(), 100);
    if (absl::Now() - start > kSlowRun) {
      SetDegraded(
          absl::StrCat("Kafka has not acknowledged shipped clicks for ",
                       absl::FormatDuration(absl::Trunc(absl::Now() - start, absl::Seconds(1))),
                       last_failure_.empty() ? "" : absl::StrCat(" (", last_failure_, ")")));
    }
  }
  if (failed_ > 0) {
    SetDegraded(absl::StrCat(failed_, " entries not acknowledged (", last_failure_,
                             "); shipping them again"));
  }
  return failed_ == 0;
}

void ClickShipper::OnDelivery(rd_kafka_t* /*kafka*/, const rd_kafka_message_t* message,
                              void* opaque) {
  auto* shipper = static_cast<ClickShipper*>(opaque);
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    ++shipper->failed_;
    shipper->last_failure_ = rd_kafka_err2str(message->err);
  }
}

void ClickShipper::OnError(rd_kafka_t* /*kafka*/, int err, const char* reason, void* opaque) {
  auto* shipper = static_cast<ClickShipper*>(opaque);
  shipper->last_failure_ = reason;
  if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
    shipper->SetDegraded(absl::StrCat("no Kafka broker reachable (", reason, ")"));
  }
}

void ClickShipper::SetDegraded(std::string why) {
  const std::lock_guard<std::mutex> lock(degraded_mu_);
  // One line when Kafka goes away and one when it is back; the reason in between changes
  // (seconds waited) without a line each time.
  if (degraded_.empty() && !why.empty()) {
    Log(LogLevel::kWarn, "kafka degraded", {{"reason", JsonText(why)}});
  } else if (!degraded_.empty() && why.empty()) {
    Log(LogLevel::kInfo, "kafka recovered", {{"backlog", log_.backlog()}});
  }
  degraded_ = std::move(why);
}

std::string ClickShipper::degraded() const {
  const std::lock_guard<std::mutex> lock(degraded_mu_);
  return degraded_;
}

void ClickShipper::WriteMetrics(MetricsText& out) const {
  out.Family("clicktrack_ship_backlog", "gauge",
             "Entries (clicks, config changes) stored on this node and not yet acknowledged by "
             "Kafka.");
  out.Sample("clicktrack_ship_backlog", {}, log_.backlog());
  out.Family("clicktrack_shipped_total", "counter",
             "Entries produced to Kafka and acknowledged since the start, by topic.");
  out.Sample("clicktrack_shipped_total", {{"topic", kClicksTopic}}, clicks_shipped_.load());
  out.Sample("clicktrack_shipped_total", {{"topic", kConfigTopic}}, config_shipped_.load());
  out.Family("clicktrack_ship_failed_runs_total", "counter",
             "Runs of clicks Kafka did not acknowledge in full, shipped again.");
  out.Sample("clicktrack_ship_failed_runs_total", {}, failed_runs_.load());
  out.Family("clicktrack_kafka_degraded", "gauge",
             "1 while the shipper cannot reach Kafka or waits on it (/readyz names why).");
  out.Sample("clicktrack_kafka_degraded", {}, uint64_t{degraded().empty() ? 0u : 1u});
}

}  // namespace clicktrack::tracker
