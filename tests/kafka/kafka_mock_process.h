#pragma once

// The kafka_mock tool (tests/kafka/kafka_mock.cc) as a child process: a Kafka cluster on
// loopback for the processes and clients of a test, and its brokers' outages.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#include <sys/types.h>

namespace clicktrack::testing {

class KafkaMock {
 public:
  // Starts kafka_mock with `args` (e.g. --brokers 3 --topic clicks:4:3) and waits for its
  // bootstrap line.
  static absl::StatusOr<std::unique_ptr<KafkaMock>> Start(std::vector<std::string> args);
  // Ends it (the end of its stdin) and waits.
  ~KafkaMock();
  KafkaMock(const KafkaMock&) = delete;
  KafkaMock& operator=(const KafkaMock&) = delete;

  // "127.0.0.1:PORT,…": librdkafka's bootstrap.servers.
  const std::string& bootstrap() const { return bootstrap_; }
  // Sends one command ("down all", "up 2") and waits for its answer: an error unless `ok`.
  absl::Status Command(std::string_view line);

 private:
  KafkaMock() = default;
  // The next line of its stdout, without the newline; empty at its end.
  std::string ReadLine();

  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  FILE* stdout_ = nullptr;
  std::string bootstrap_;
};

}  // namespace clicktrack::testing
