#pragma once

// One event loop of the server and what its sessions share. Internal to the server.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>

#include "absl/time/time.h"
#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/steady_timer.hpp"

#include "tracker/http/request_handler.h"
#include "tracker/http/server.h"

namespace clicktrack::tracker::http_internal {

namespace net = boost::asio;
using SteadyClock = std::chrono::steady_clock;

inline SteadyClock::duration ToChrono(absl::Duration d) { return absl::ToChronoNanoseconds(d); }

class Session;

// One event loop and the sessions it runs; touched only from its own thread.
// Member order matters: the io_context is destroyed before `sessions` (its pending handlers
// own sessions, which unregister themselves), and the timer and guard before the io_context.
struct Worker {
  size_t index = 0;       // in the server's workers, for request ids
  uint64_t requests = 0;  // read so far: the second part of a request id
  std::list<Session*> sessions;
  bool draining = false;
  // Requests whose answer comes later (a click flush, a conversion's fsync). While any is
  // out, the guard keeps the loop running through a graceful stop.
  size_t deferred = 0;
  // The loop's request handler. Declared before the io_context so that it outlives it: a
  // pending task (a click batch's flush) refers to it.
  std::unique_ptr<RequestHandler> handler;
  net::io_context ioc{1};
  // Closes connections past their deadline; one timer per loop instead of one per operation.
  net::steady_timer sweep{ioc};
  net::steady_timer yield_timer{ioc};
  std::optional<net::executor_work_guard<net::io_context::executor_type>> guard{ioc.get_executor()};

  void ReleaseIfDrained() {
    if (draining && deferred == 0) {
      guard.reset();
    }
  }
};

struct Shared {
  const ServerOptions& options;
  std::atomic<size_t> connections{0};
  uint32_t process_tag = 0;  // RequestId::process
};

}  // namespace clicktrack::tracker::http_internal
