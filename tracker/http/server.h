#pragma once

// The HTTP/1.1 server: one io_context per thread, one session object per connection, keep-alive
// and pipelining, a deadline on every read and write (checked by one sweep timer per loop),
// header and body limits on every request, pauses for background work on a busy core, and a
// graceful stop. Beast and Asio stay inside tracker/http/.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

#include "tracker/common/metrics.h"
#include "tracker/http/request_handler.h"
#include "tracker/http/trusted_proxies.h"

namespace clicktrack::tracker {

struct ServerOptions {
  // Address to listen on: an IP address or a host name. Default: 127.0.0.1.
  std::string host = "127.0.0.1";
  // Port; 0 picks a free one. Default: 8080.
  uint16_t port = 8080;
  // Event-loop threads, each with its own io_context. Default: 1.
  int threads = 1;
  // Max bytes of a request's start line and headers; more answers 431. Default: 8 KiB.
  uint32_t header_limit = 8 * 1024;
  // Max bytes of a request body; more answers 413. Default: 64 KiB.
  uint64_t body_limit = 64 * 1024;
  // Larger bodies of chosen requests, spooled to a file. Default: none.
  BodySpool spool;
  // Time to receive a whole request (while a body spools: between two reads), and to wait for the
  // next one on an idle keep-alive connection. Default: 30 s.
  absl::Duration read_timeout = absl::Seconds(30);
  // Time to write a response. Default: 10 s.
  absl::Duration write_timeout = absl::Seconds(10);
  // Open connections beyond this are closed as soon as they are accepted. Default: 10000.
  size_t max_connections = 10'000;
  // After a stop, how long requests in flight may take before the loops are stopped.
  // Default: 10 s.
  absl::Duration drain_timeout = absl::Seconds(10);
  // How long a loop should leave its core to background work right now (zero: not at all).
  // Asked every `yield_period` by each loop, which then sleeps that long. RocksDB's flushes and
  // compactions run under SCHED_IDLE, so this is the CPU they get on a saturated core, in
  // slices short enough not to show in the p99. Unset: never.
  std::function<absl::Duration()> background_yield;
  absl::Duration yield_period = absl::Milliseconds(2);
  // Peers whose X-Forwarded-For names the client in the access log. Default: none.
  TrustedProxies trusted_proxies;
  // Runs on SIGHUP, on an event loop's thread (re-read settings). Unset: SIGHUP only flushes
  // the log.
  std::function<void()> on_reload;
};

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. Returns the bound "host:port" (the real port when 0 was asked), or
  // kUnavailable with the reason (address in use, bad address).
  absl::StatusOr<std::string> Listen();

  // Serves requests on `threads` event loops, the caller's thread included, each with a
  // handler from `make_handler`, until SIGINT, SIGTERM or Stop(): then stops accepting, lets
  // requests in flight finish (up to drain_timeout), and returns. Requires a successful
  // Listen().
  void Run(HandlerFactory make_handler);

  // Starts the graceful stop. Thread-safe and idempotent.
  void Stop();

  // The transport's figures: open connections. Thread-safe.
  void WriteMetrics(MetricsText& out) const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace clicktrack::tracker
