#include "tests/trackerd_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"

#include <sys/wait.h>

extern char** environ;

namespace clicktrack::testing {
namespace {

int DecodeWaitStatus(int status) {
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status);
  }
  if (WIFSIGNALED(status)) {
    return 128 + WTERMSIG(status);
  }
  return -1;
}

// Spawns the binary with stdout and stderr on `output_fd`. Returns the pid or -1.
pid_t Spawn(const std::vector<std::string>& args, int output_fd, bool stdout_too,
            std::optional<int> fd_limit = std::nullopt) {
  std::vector<std::string> full;
  if (fd_limit.has_value()) {  // prlimit(1) sets the limit, then execs (same pid)
    full = {"/usr/bin/prlimit", absl::StrCat("--nofile=", *fd_limit, ":", *fd_limit), "--"};
  }
  full.push_back(TrackerdPath());
  full.insert(full.end(), args.begin(), args.end());
  std::vector<std::pair<int, int>> fds = {{output_fd, STDERR_FILENO}};
  if (stdout_too) {
    fds.emplace_back(output_fd, STDOUT_FILENO);
  }
  return SpawnProgram(std::move(full), fds);
}

}  // namespace

pid_t SpawnProgram(std::vector<std::string> argv, const std::vector<std::pair<int, int>>& fds) {
  std::vector<char*> pointers;
  for (std::string& arg : argv) {
    pointers.push_back(arg.data());
  }
  pointers.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  for (const auto& [from, to] : fds) {
    posix_spawn_file_actions_adddup2(&actions, from, to);
  }
  pid_t pid = -1;
  const int error = posix_spawn(&pid, pointers[0], &actions, nullptr, pointers.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return error == 0 ? pid : -1;
}

std::string TrackerdPath() { return CLICKTRACK_TRACKERD_PATH; }

absl::StatusOr<std::unique_ptr<TrackerdProcess>> TrackerdProcess::Start(
    std::vector<std::string> args, absl::Duration timeout, std::optional<int> fd_limit) {
  if (std::find(args.begin(), args.end(), "--listen") == args.end()) {
    args.push_back("--listen");
    args.push_back("127.0.0.1:0");
  }
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", std::strerror(errno)));
  }
  std::unique_ptr<TrackerdProcess> process(new TrackerdProcess());
  process->pid_ = Spawn(args, fds[1], /*stdout_too=*/false, fd_limit);
  ::close(fds[1]);
  if (process->pid_ < 0) {
    ::close(fds[0]);
    return absl::InternalError(absl::StrCat("cannot start ", TrackerdPath()));
  }
  process->stderr_fd_ = fds[0];
  process->reader_ = std::thread([p = process.get()] { p->ReadStderr(); });

  const std::string printed = process->StderrOnceItHolds("\n", timeout);
  const size_t newline = printed.find('\n');
  if (newline == std::string::npos) {
    return absl::UnavailableError(absl::StrCat("trackerd printed no first line: ", printed));
  }
  const std::string first_line = printed.substr(0, newline);
  boost::system::error_code ec;
  const boost::json::value line = boost::json::parse(first_line, ec);
  const boost::json::value* listen =
      ec || !line.is_object() ? nullptr : line.get_object().if_contains("listen");
  if (listen == nullptr || !listen->is_string()) {
    return absl::UnavailableError(absl::StrCat("first line has no listen field: ", first_line));
  }
  process->address_ = std::string(listen->get_string());
  return process;
}

void TrackerdProcess::ReadStderr() {
  char chunk[4096];
  for (;;) {
    if (stop_reading_.load()) {
      ::close(stderr_fd_);  // the daemon's next write to stderr gets EPIPE (and SIGPIPE)
      stderr_fd_ = -1;
      std::lock_guard lock(mu_);
      eof_ = true;
      changed_.notify_all();
      return;
    }
    pollfd ready{.fd = stderr_fd_, .events = POLLIN, .revents = 0};
    if (::poll(&ready, 1, 50) == 0) {
      continue;
    }
    const ssize_t got = ::read(stderr_fd_, chunk, sizeof(chunk));
    if (got < 0 && errno == EINTR) {
      continue;
    }
    std::lock_guard lock(mu_);
    if (got <= 0) {
      eof_ = true;
    } else {
      stderr_.append(chunk, static_cast<size_t>(got));
    }
    changed_.notify_all();
    if (eof_) {
      return;
    }
  }
}

void TrackerdProcess::StopReadingStderr() {
  stop_reading_.store(true);
  if (reader_.joinable()) {
    reader_.join();
  }
}

void TrackerdProcess::Send(int signal) { ::kill(pid_, signal); }

std::string TrackerdProcess::first_line() const {
  std::lock_guard lock(mu_);
  return stderr_.substr(0, stderr_.find('\n'));
}

std::string TrackerdProcess::Stderr() const {
  std::lock_guard lock(mu_);
  return stderr_;
}

std::string TrackerdProcess::StderrOnceItHolds(std::string_view text,
                                               absl::Duration timeout) const {
  std::unique_lock lock(mu_);
  changed_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                    [&] { return eof_ || stderr_.find(text) != std::string::npos; });
  return stderr_;
}

int TrackerdProcess::Wait(absl::Duration timeout) {
  if (exited_) {
    return exit_status_;
  }
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      exited_ = true;
      exit_status_ = DecodeWaitStatus(status);
      if (reader_.joinable()) {
        reader_.join();  // the pipe closes with the process
      }
      return exit_status_;
    }
    if (absl::Now() > deadline) {
      return -1;
    }
    ::usleep(5'000);
  }
}

int TrackerdProcess::Signal(int signal) {
  if (!exited_) {
    ::kill(pid_, signal);
  }
  return Wait(absl::Seconds(30));
}

TrackerdProcess::~TrackerdProcess() {
  if (!exited_ && pid_ > 0) {
    Signal(SIGKILL);
  }
  if (reader_.joinable()) {
    reader_.join();
  }
  if (stderr_fd_ >= 0) {
    ::close(stderr_fd_);
  }
}

ProcessOutput RunTrackerd(const std::vector<std::string>& args, absl::Duration timeout) {
  ProcessOutput result;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return result;
  }
  const pid_t pid = Spawn(args, fds[1], /*stdout_too=*/true);
  ::close(fds[1]);
  if (pid < 0) {
    ::close(fds[0]);
    return result;
  }
  // Output is small (help text, one error): read until EOF, bounded by the timeout.
  const absl::Time deadline = absl::Now() + timeout;
  char chunk[4096];
  for (;;) {
    const absl::Duration left = deadline - absl::Now();
    pollfd pfd{.fd = fds[0], .events = POLLIN, .revents = 0};
    if (left <= absl::ZeroDuration() ||
        ::poll(&pfd, 1, static_cast<int>(absl::ToInt64Milliseconds(left))) <= 0) {
      ::kill(pid, SIGKILL);
      break;
    }
    const ssize_t got = ::read(fds[0], chunk, sizeof(chunk));
    if (got <= 0) {
      break;
    }
    result.output.append(chunk, static_cast<size_t>(got));
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_status = DecodeWaitStatus(status);
  return result;
}

}  // namespace clicktrack::testing
