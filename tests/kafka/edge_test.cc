// An edge node (--role edge) on the mock cluster: it redirects from its own store whatever
// Kafka does, ships every click to clicktrack.clicks on its program's partition, keeps what
// Kafka has not acknowledged through an outage and a kill -9, shares config changes with the
// other nodes through clicktrack.config, and refuses to start on a cluster whose topics do
// not fit its flags.

#include <array>
#include <csignal>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

#include "storage/store.h"
#include "tests/integration_fixture.h"
#include "tests/kafka/kafka_clients.h"
#include "tests/kafka/kafka_mock_process.h"
#include "tracker/kafka/click_shipper.h"

namespace clicktrack::testing {
namespace {

constexpr int kPartitions = 4;

std::vector<std::string> ClusterArgs(int partitions) {
  std::vector<std::string> args = {"--brokers", "3"};
  for (const char* topic : {"clicktrack.config", "clicktrack.clicks", "clicktrack.conversions",
                            "clicktrack.decisions", "clicktrack.changelog"}) {
    args.insert(args.end(), {"--topic", absl::StrCat(topic, ":", partitions, ":3")});
  }
  return args;
}

// The value of the click_id parameter that ends `location`.
std::string ClickIdOf(const std::string& location) {
  const size_t at = location.rfind("click_id=");
  return at == std::string::npos ? "" : location.substr(at + 9);
}

// A sample of `node`'s /metrics, or -1.
double MetricOf(HttpClient& node, absl::string_view name) {
  const absl::StatusOr<HttpResult> metrics = node.Request("GET", "/metrics", {}, "");
  if (!metrics.ok()) {
    return -1;
  }
  for (absl::string_view line : absl::StrSplit(metrics->body, '\n')) {
    double value = 0;
    if (absl::ConsumePrefix(&line, name) && absl::ConsumePrefix(&line, " ") &&
        absl::SimpleAtod(line, &value)) {
      return value;
    }
  }
  return -1;
}

class EdgeTest : public TrackerdTest {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<KafkaMock>> mock = KafkaMock::Start(ClusterArgs(kPartitions));
    ASSERT_TRUE(mock.ok()) << mock.status();
    mock_ = *std::move(mock);
    bootstrap_ = mock_->bootstrap();
    // Configured through the edge's own admin API: its config changes ship to
    // clicktrack.config like its clicks, and come back to it from there.
    StartEdge();
    SeedProgram();
    MakeLink("edge", "https://shop.example.com/p");
    ASSERT_TRUE(BacklogDrains(absl::Seconds(30)));  // the config is in the topic
  }

  // A cluster node's flags; with `data`, also its directory and the admin token (a node
  // other than the fixture's, which adds those itself).
  std::vector<std::string> NodeArgs(const std::string& role, const std::string& data = "") {
    std::vector<std::string> args = {"--role",   role,           "--kafka",
                                     bootstrap_, "--partitions", absl::StrCat(kPartitions)};
    if (!data.empty()) {
      args.insert(args.end(), {"--data", data, "--admin-token", kAdminToken});
    }
    return args;
  }

  void StartEdge() { StartTrackerd(NodeArgs("edge")); }

  // `count` redirects; each must be a 302. Returns the click ids.
  std::vector<std::string> Redirects(int count) {
    std::vector<std::string> ids;
    for (int i = 0; i < count; ++i) {
      const HttpResult result = Click("/go/edge");
      EXPECT_EQ(result.status, 302) << result.body;
      ids.push_back(ClickIdOf(result.Header("location")));
    }
    return ids;
  }

  // A sample of the edge's /metrics, or -1.
  double Metric(absl::string_view name) { return MetricOf(*client_, name); }

  // Waits until the shipper has nothing left; false after `timeout`.
  bool BacklogDrains(absl::Duration timeout) {
    const absl::Time deadline = absl::Now() + timeout;
    while (Metric("clicktrack_ship_backlog") != 0) {
      if (absl::Now() > deadline) {
        return false;
      }
      absl::SleepFor(absl::Milliseconds(100));
    }
    return true;
  }

  // Checks that clicktrack.clicks holds each of `ids` at least once, on the program's
  // partition, decodable to the click; returns how many times each was shipped.
  std::map<std::string, int> ExpectShipped(const std::vector<std::string>& ids) {
    const std::vector<Consumed> messages = ConsumeTopic(
        mock_->bootstrap(), "clicktrack.clicks", "read_committed", ids.size(), absl::Seconds(30));
    std::map<std::string, int> shipped;
    for (const Consumed& message : messages) {
      const absl::StatusOr<attribution::Click> click = storage::DecodeShippedClick(message.value);
      EXPECT_TRUE(click.ok()) << click.status();
      if (!click.ok()) {
        continue;
      }
      EXPECT_EQ(message.key, "acme");
      EXPECT_EQ(click->program_id, "acme");
      EXPECT_EQ(click->link_code, "edge");
      EXPECT_EQ(message.partition, tracker::ProgramPartition("acme", kPartitions));
      const std::array<char, attribution::Ulid::kTextSize> text = click->id.Text();
      ++shipped[std::string(text.data(), text.size())];
    }
    for (const std::string& id : ids) {
      EXPECT_GE(shipped[id], 1) << "click " << id << " not shipped";
    }
    return shipped;
  }

  std::unique_ptr<KafkaMock> mock_;
  std::string bootstrap_;  // kept when the cluster is gone
};

TEST_F(EdgeTest, ShipsEveryClickOnceToItsProgramsPartition) {
  const std::vector<std::string> ids = Redirects(50);
  ASSERT_TRUE(BacklogDrains(absl::Seconds(30)));
  const std::map<std::string, int> shipped = ExpectShipped(ids);
  EXPECT_EQ(shipped.size(), ids.size());
  for (const auto& [id, times] : shipped) {
    EXPECT_EQ(times, 1) << id;
  }
  EXPECT_EQ(Metric(R"(clicktrack_shipped_total{topic="clicktrack.clicks"})"), 50);
  EXPECT_EQ(Metric(R"(clicktrack_shipped_total{topic="clicktrack.config"})"), 3);
  EXPECT_EQ(Send("GET", "/readyz").body, R"({"status":"ready"})");
  EXPECT_NE(process_->first_line().find(R"("role":"edge")"), std::string::npos);
}

TEST_F(EdgeTest, RedirectsWhileKafkaIsDownAndShipsTheBacklogAfterAKill9) {
  std::vector<std::string> ids = Redirects(20);
  ASSERT_TRUE(BacklogDrains(absl::Seconds(30)));
  ASSERT_TRUE(mock_->Command("down all").ok());
  const std::vector<std::string> during = Redirects(100);  // every one a 302 (checked there)
  ids.insert(ids.end(), during.begin(), during.end());
  absl::SleepFor(absl::Seconds(3));
  EXPECT_EQ(Metric("clicktrack_ship_backlog"), 100);
  EXPECT_EQ(Metric("clicktrack_kafka_degraded"), 1);
  const HttpResult ready = Send("GET", "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_NE(ready.body.find(R"("degraded":{"kafka":)"), std::string::npos) << ready.body;

  process_->Signal(SIGKILL);  // the backlog is in the store, not in memory
  StartEdge();
  EXPECT_EQ(Metric("clicktrack_ship_backlog"), 100);
  const std::vector<std::string> after = Redirects(10);
  ids.insert(ids.end(), after.begin(), after.end());
  ASSERT_TRUE(mock_->Command("up all").ok());
  ASSERT_TRUE(BacklogDrains(absl::Seconds(60)));
  const std::map<std::string, int> shipped = ExpectShipped(ids);
  EXPECT_EQ(shipped.size(), ids.size());
  EXPECT_EQ(Metric("clicktrack_kafka_degraded"), 0);
}

TEST_F(EdgeTest, AnotherEdgeGetsTheConfigFromKafkaAndKeepsItWithoutKafka) {
  TempDir other_data;
  const std::vector<std::string> args = NodeArgs("edge", other_data.path());
  absl::StatusOr<std::unique_ptr<TrackerdProcess>> other = TrackerdProcess::Start(args);
  ASSERT_TRUE(other.ok()) << other.status();
  HttpClient client((*other)->address());
  const auto click = [&client] {
    absl::StatusOr<HttpResult> result = client.Request("GET", "/go/edge", {kBrowserAgent}, "");
    return result.ok() ? result->status : 0;
  };
  int status = 0;
  for (int i = 0; i < 100 && status != 302; ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    status = click();
  }
  EXPECT_EQ(status, 302) << "the link never reached the other edge";

  (*other)->Signal(SIGTERM);
  ASSERT_TRUE(mock_->Command("down all").ok());
  other = TrackerdProcess::Start(args);
  ASSERT_TRUE(other.ok()) << other.status();
  HttpClient again((*other)->address());
  const absl::StatusOr<HttpResult> result = again.Request("GET", "/go/edge", {kBrowserAgent}, "");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->status, 302);
}

TEST_F(EdgeTest, StartsAndRedirectsWithoutKafka) {
  process_->Signal(SIGTERM);
  mock_.reset();  // the cluster is gone: nothing answers at its address
  StartEdge();
  EXPECT_EQ(Click("/go/edge").status, 302);
  EXPECT_NE(
      process_->StderrOnceItHolds("kafka unreachable at start").find("kafka unreachable at start"),
      std::string::npos);
  std::string ready;
  for (int i = 0; i < 100 && ready.find("degraded") == std::string::npos; ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    ready = Send("GET", "/readyz").body;
  }
  EXPECT_NE(ready.find(R"("degraded":{"kafka":)"), std::string::npos) << ready;
  EXPECT_EQ(Metric("clicktrack_ship_backlog"), 1);
}

TEST_F(EdgeTest, RefusesTopicsWithFewerPartitionsThanConfigured) {
  process_->Signal(SIGTERM);
  const ProcessOutput out =
      RunTrackerd({"--data", DataDir(), "--role", "edge", "--kafka", bootstrap_, "--partitions",
                   "8", "--listen", "127.0.0.1:0"});
  EXPECT_EQ(out.exit_status, 2);
  EXPECT_NE(out.output.find("topic clicktrack.clicks has 4 partitions, fewer than --partitions 8"),
            std::string::npos)
      << out.output;
}

TEST(EdgeFlagsTest, EdgeAndCoreNeedKafka) {
  for (const char* role : {"edge", "core"}) {
    const ProcessOutput out = RunTrackerd({"--role", role});
    EXPECT_EQ(out.exit_status, 2);
    EXPECT_NE(out.output.find(absl::StrCat("--role: ", role, " needs --kafka")), std::string::npos)
        << out.output;
  }
}

// The clicks partner p1 of program acme has in the core's reports, or -1.
int64_t ReportedClicks(HttpClient& core) {
  const absl::StatusOr<HttpResult> stats =
      core.Request("GET", "/api/v1/programs/acme/partners/p1/stats",
                   {absl::StrCat("Authorization: Bearer ", kAdminToken)}, "");
  int64_t clicks = -1;
  if (stats.ok() && stats->status == 200) {
    const size_t at = stats->body.find("\"clicks\":");
    if (at != std::string::npos) {
      const std::string digits =
          stats->body.substr(at + 9, stats->body.find_first_of(",}", at) - at - 9);
      (void)absl::SimpleAtoi(digits, &clicks);
    }
  }
  return clicks;
}

// Waits until the core reports `expected` clicks; what it reports last.
int64_t AwaitReportedClicks(HttpClient& core, int64_t expected) {
  int64_t clicks = -1;
  for (int i = 0; i < 300 && clicks != expected; ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    clicks = ReportedClicks(core);
  }
  return clicks;
}

TEST_F(EdgeTest, ACoreStoresEveryShippedClickOnceThroughItsKill9) {
  TempDir core_data;
  const std::vector<std::string> args = NodeArgs("core", core_data.path());
  absl::StatusOr<std::unique_ptr<TrackerdProcess>> core = TrackerdProcess::Start(args);
  ASSERT_TRUE(core.ok()) << core.status();
  Redirects(50);
  {
    HttpClient client((*core)->address());
    EXPECT_EQ(AwaitReportedClicks(client, 50), 50);
  }
  (*core)->Signal(SIGKILL);  // whatever it stored and did not commit is read again
  Redirects(30);
  core = TrackerdProcess::Start(args);
  ASSERT_TRUE(core.ok()) << core.status();
  HttpClient client((*core)->address());
  EXPECT_EQ(AwaitReportedClicks(client, 80), 80);

  // A run an edge ships again (its crash before it recorded the acknowledgement): the same
  // message once more on the topic.
  const double repeated_before =
      MetricOf(client, R"(clicktrack_core_clicks_total{outcome="repeated"})");
  const std::vector<Consumed> first =
      ConsumeTopic(bootstrap_, "clicktrack.clicks", "read_committed", 1, absl::Seconds(10));
  ASSERT_EQ(first.size(), 1u);
  Kafka producer = NewClient(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bootstrap_}});
  ASSERT_EQ(rd_kafka_producev(
                producer.get(), RD_KAFKA_V_TOPIC("clicktrack.clicks"),
                RD_KAFKA_V_PARTITION(first[0].partition),
                RD_KAFKA_V_KEY(first[0].key.data(), first[0].key.size()),
                RD_KAFKA_V_VALUE(const_cast<char*>(first[0].value.data()), first[0].value.size()),
                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END),
            RD_KAFKA_RESP_ERR_NO_ERROR);
  ASSERT_EQ(rd_kafka_flush(producer.get(), 10'000), RD_KAFKA_RESP_ERR_NO_ERROR);
  double repeated = 0;
  for (int i = 0; i < 100 && repeated <= repeated_before; ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    repeated = MetricOf(client, R"(clicktrack_core_clicks_total{outcome="repeated"})");
  }
  EXPECT_GT(repeated, repeated_before);
  EXPECT_EQ(ReportedClicks(client), 80) << "a click stored twice";
}

}  // namespace
}  // namespace clicktrack::testing
