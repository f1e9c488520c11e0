#include "tests/kafka/kafka_mock_process.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

#include "tests/trackerd_process.h"

#include <sys/wait.h>

namespace clicktrack::testing {

absl::StatusOr<std::unique_ptr<KafkaMock>> KafkaMock::Start(std::vector<std::string> args) {
  int to_child[2];
  int from_child[2];
  if (pipe2(to_child, O_CLOEXEC) != 0 || pipe2(from_child, O_CLOEXEC) != 0) {
    return absl::InternalError("pipe failed");
  }
  args.insert(args.begin(), CLICKTRACK_KAFKA_MOCK_PATH);
  const pid_t pid =
      SpawnProgram(std::move(args), {{to_child[0], STDIN_FILENO}, {from_child[1], STDOUT_FILENO}});
  if (pid < 0) {
    return absl::InternalError("cannot start " CLICKTRACK_KAFKA_MOCK_PATH);
  }
  close(to_child[0]);
  close(from_child[1]);
  auto mock = std::unique_ptr<KafkaMock>(new KafkaMock());
  mock->pid_ = pid;
  mock->stdin_fd_ = to_child[1];
  mock->stdout_ = fdopen(from_child[0], "r");
  const std::string first = mock->ReadLine();
  if (!absl::StartsWith(first, "bootstrap ")) {
    return absl::InternalError(absl::StrCat("kafka_mock did not start: '", first, "'"));
  }
  mock->bootstrap_ = first.substr(10);
  return mock;
}

KafkaMock::~KafkaMock() {
  if (stdin_fd_ >= 0) {
    close(stdin_fd_);
  }
  if (pid_ > 0) {
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  if (stdout_ != nullptr) {
    fclose(stdout_);
  }
}

absl::Status KafkaMock::Command(std::string_view line) {
  const std::string command = std::string(line) + "\n";
  if (write(stdin_fd_, command.data(), command.size()) != static_cast<ssize_t>(command.size())) {
    return absl::InternalError("kafka_mock's stdin is closed");
  }
  const std::string answer = ReadLine();
  return answer == "ok" ? absl::OkStatus()
                        : absl::InternalError(absl::StrCat(std::string(line), ": '", answer, "'"));
}

std::string KafkaMock::ReadLine() {
  char* line = nullptr;
  size_t capacity = 0;
  const ssize_t length = getline(&line, &capacity, stdout_);
  std::string text = length > 0 ? std::string(line, static_cast<size_t>(length)) : "";
  free(line);
  if (!text.empty() && text.back() == '\n') {
    text.pop_back();
  }
  return text;
}

}  // namespace clicktrack::testing
