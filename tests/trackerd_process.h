#pragma once

// Runs the real trackerd binary as a child process for integration tests: on port 0 of
// loopback, with its data directory, its stderr captured.

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

#include <sys/types.h>

namespace clicktrack::testing {

// Path of the trackerd binary under test (set by CMake).
std::string TrackerdPath();

// Starts `argv` (argv[0] a path) with each (from, to) of `fds` duplicated onto `to` in the
// child (file descriptors marked close-on-exec stay out of it). Returns the pid, or -1.
pid_t SpawnProgram(std::vector<std::string> argv, const std::vector<std::pair<int, int>>& fds);

class TrackerdProcess {
 public:
  // Starts trackerd with `args` (plus --listen 127.0.0.1:0 unless args has --listen) and
  // waits for its first log line. Fails if it exits or says nothing within `timeout`.
  // `fd_limit` sets its RLIMIT_NOFILE (soft and hard) from the start.
  static absl::StatusOr<std::unique_ptr<TrackerdProcess>> Start(
      std::vector<std::string> args, absl::Duration timeout = absl::Seconds(20),
      std::optional<int> fd_limit = std::nullopt);

  ~TrackerdProcess();
  TrackerdProcess(const TrackerdProcess&) = delete;
  TrackerdProcess& operator=(const TrackerdProcess&) = delete;

  // "127.0.0.1:PORT", from the "listen" field of the first log line.
  const std::string& address() const { return address_; }
  pid_t pid() const { return pid_; }
  std::string first_line() const;
  // Everything written to stderr so far.
  std::string Stderr() const;
  // Waits until stderr holds `text` (the reader thread may lag the daemon's write). Returns
  // everything read so far either way, so a failing check can print it.
  std::string StderrOnceItHolds(std::string_view text,
                                absl::Duration timeout = absl::Seconds(5)) const;

  // Closes the read end of the daemon's stderr, as when the reader of `trackerd 2>&1 | …`
  // goes away. Stderr() keeps what was read before.
  void StopReadingStderr();
  // Sends `signal` without waiting.
  void Send(int signal);
  // Sends `signal` and waits for the exit. Returns the exit status (128+N when killed by N).
  int Signal(int signal);
  // Waits for the process to exit by itself (no signal). -1 on timeout.
  int Wait(absl::Duration timeout);

 private:
  TrackerdProcess() = default;
  void ReadStderr();

  pid_t pid_ = -1;
  int stderr_fd_ = -1;
  bool exited_ = false;
  int exit_status_ = -1;
  std::string address_;
  std::thread reader_;
  std::atomic<bool> stop_reading_{false};
  // Standard-library locks, not absl::Mutex, so that ThreadSanitizer sees them.
  mutable std::mutex mu_;
  mutable std::condition_variable changed_;  // stderr_ grew or eof_ became true
  std::string stderr_;                       // guarded by mu_
  bool eof_ = false;                         // guarded by mu_
};

// Runs trackerd with `args` to completion (for --help and start-up failures): exit status and
// everything it printed on stdout and stderr.
struct ProcessOutput {
  int exit_status = -1;
  std::string output;
};
ProcessOutput RunTrackerd(const std::vector<std::string>& args,
                          absl::Duration timeout = absl::Seconds(20));

}  // namespace clicktrack::testing
