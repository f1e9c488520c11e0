// kafka_mock: a Kafka cluster for tests, librdkafka's mock cluster (rdkafka_mock.h) hosted in
// a process that real trackerd processes and test clients connect to over TCP on loopback.
//
//   kafka_mock [--brokers N] [--topic NAME:PARTITIONS[:REPLICATION]]...
//
// Prints `bootstrap HOST:PORT,…` as its first line on stdout, then reads commands from stdin,
// one per line, and answers each with `ok` or `error: …`:
//   down N | up N        broker N (1…brokers) stops or starts answering
//   down all | up all    every broker
// Exits 0 at the end of stdin or on SIGTERM/SIGINT; 2 on bad arguments.

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

namespace {

struct TopicSpec {
  std::string name;
  int partitions = 1;
  int replication = 1;
};

struct Options {
  int brokers = 3;
  std::vector<TopicSpec> topics;
};

constexpr char kUsage[] =
    "usage: kafka_mock [--brokers N] [--topic NAME:PARTITIONS[:REPLICATION]]...\n"
    "Prints `bootstrap ADDRESSES`, then takes `down N`, `up N`, `down all`, `up all` on stdin.\n";

bool ParseTopic(const std::string& text, TopicSpec& topic) {
  const std::vector<std::string> parts = absl::StrSplit(text, ':');
  if (parts.size() < 2 || parts.size() > 3 || parts[0].empty()) {
    return false;
  }
  topic.name = parts[0];
  return absl::SimpleAtoi(parts[1], &topic.partitions) && topic.partitions > 0 &&
         (parts.size() == 2 ||
          (absl::SimpleAtoi(parts[2], &topic.replication) && topic.replication > 0));
}

bool ParseOptions(int argc, char** argv, Options& options) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) {
      return false;
    }
    const std::string value = argv[++i];
    if (flag == "--brokers") {
      if (!absl::SimpleAtoi(value, &options.brokers) || options.brokers < 1) {
        return false;
      }
    } else if (flag == "--topic") {
      TopicSpec topic;
      if (!ParseTopic(value, topic)) {
        return false;
      }
      options.topics.push_back(topic);
    } else {
      return false;
    }
  }
  for (const TopicSpec& topic : options.topics) {
    if (topic.replication > options.brokers) {
      return false;
    }
  }
  return true;
}

// Applies `down N`, `up N`, `down all` or `up all`; returns the answer line.
std::string Command(rd_kafka_mock_cluster_t* cluster, int brokers, const std::string& line) {
  const std::vector<std::string> words = absl::StrSplit(line, ' ', absl::SkipEmpty());
  if (words.size() != 2 || (words[0] != "down" && words[0] != "up")) {
    return "error: expected down N, up N, down all or up all";
  }
  int first = 1;
  int last = brokers;
  if (words[1] != "all") {
    if (!absl::SimpleAtoi(words[1], &first) || first < 1 || first > brokers) {
      return "error: no broker " + words[1];
    }
    last = first;
  }
  for (int id = first; id <= last; ++id) {
    const rd_kafka_resp_err_t err = words[0] == "down" ? rd_kafka_mock_broker_set_down(cluster, id)
                                                       : rd_kafka_mock_broker_set_up(cluster, id);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return std::string("error: ") + rd_kafka_err2str(err);
    }
  }
  return "ok";
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!ParseOptions(argc, argv, options)) {
    std::cerr << kUsage;
    return 2;
  }
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // The handle only hosts the cluster: it connects nowhere, and says so unless told to be quiet.
  rd_kafka_conf_set(conf, "log_level", "3", error, sizeof(error));
  rd_kafka_t* host = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error));
  if (host == nullptr) {
    std::cerr << "kafka_mock: " << error << "\n";
    return 1;
  }
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(host, options.brokers);
  if (cluster == nullptr) {
    std::cerr << "kafka_mock: could not start the mock cluster\n";
    return 1;
  }
  for (const TopicSpec& topic : options.topics) {
    const rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(cluster, topic.name.c_str(),
                                                               topic.partitions, topic.replication);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::cerr << "kafka_mock: topic " << topic.name << ": " << rd_kafka_err2str(err) << "\n";
      return 1;
    }
  }
  // Stdin's end is the way out; a signal ends it at once (the cluster holds nothing to keep).
  std::signal(SIGTERM, [](int) { std::_Exit(0); });
  std::signal(SIGINT, [](int) { std::_Exit(0); });
  std::cout << "bootstrap " << rd_kafka_mock_cluster_bootstraps(cluster) << std::endl;
  for (std::string line; std::getline(std::cin, line);) {
    std::cout << Command(cluster, options.brokers, line) << std::endl;
  }
  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(host);
  return 0;
}
