#include "tracker/http/server.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/signal_set.hpp"

#include "tracker/common/log.h"
#include "tracker/http/event_loop.h"
#include "tracker/http/session.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace clicktrack::tracker {
namespace {

using http_internal::ErrorCode;
using http_internal::Session;
using http_internal::Shared;
using http_internal::SteadyClock;
using http_internal::ToChrono;
using http_internal::Worker;
namespace net = boost::asio;
using Tcp = net::ip::tcp;

// How often a worker looks for connections past their deadline: a quarter of the shortest
// timeout, so that one fires at most 25 % late.
SteadyClock::duration SweepPeriod(const ServerOptions& options) {
  const absl::Duration shortest = std::min(options.read_timeout, options.write_timeout);
  return ToChrono(std::clamp(shortest / 4, absl::Milliseconds(10), absl::Seconds(1)));
}

}  // namespace

class Server::Impl {
 public:
  explicit Impl(ServerOptions options)
      : options_(std::move(options)),
        shared_{.options = options_, .process_tag = std::random_device{}()},
        workers_(static_cast<size_t>(std::max(1, options_.threads))),
        acceptor_(workers_[0].ioc),
        signals_(workers_[0].ioc, SIGINT, SIGTERM, SIGHUP),
        accept_backoff_(workers_[0].ioc),
        sweep_period_(SweepPeriod(options_)) {
    for (size_t i = 0; i < workers_.size(); ++i) {
      workers_[i].index = i;
    }
  }

  absl::StatusOr<std::string> Listen() {
    ErrorCode ec;
    net::ip::address address = net::ip::make_address(options_.host, ec);
    if (ec) {
      Tcp::resolver resolver(workers_[0].ioc);
      const auto results = resolver.resolve(options_.host, "", ec);
      if (ec || results.empty()) {
        return absl::UnavailableError(absl::StrCat("cannot resolve listen host ", options_.host));
      }
      address = results.begin()->endpoint().address();
    }
    const Tcp::endpoint endpoint(address, options_.port);
    auto fail = [&](absl::string_view what) {
      return absl::UnavailableError(absl::StrCat("cannot ", what, " ", address.to_string(), ":",
                                                 options_.port, ": ", ec.message()));
    };
    if (acceptor_.open(endpoint.protocol(), ec); ec) {
      return fail("open");
    }
    if (acceptor_.set_option(net::socket_base::reuse_address(true), ec); ec) {
      return fail("configure");
    }
    if (acceptor_.bind(endpoint, ec); ec) {
      return fail("bind");
    }
    if (acceptor_.listen(net::socket_base::max_listen_connections, ec); ec) {
      return fail("listen on");
    }
    protocol_ = endpoint.protocol();
    // A connection is handed over once its first bytes are in (nginx's `deferred`): its first
    // read finds the request instead of waiting for it. One that sends nothing still is,
    // after about a second.
    const int defer_seconds = 1;
    ::setsockopt(acceptor_.native_handle(), IPPROTO_TCP, TCP_DEFER_ACCEPT, &defer_seconds,
                 sizeof defer_seconds);
    const Tcp::endpoint bound = acceptor_.local_endpoint(ec);
    const std::string host = bound.address().is_v6()
                                 ? absl::StrCat("[", bound.address().to_string(), "]")
                                 : bound.address().to_string();
    return absl::StrCat(host, ":", bound.port());
  }

  void Run(HandlerFactory& make_handler) {
    for (Worker& worker : workers_) {
      worker.handler = make_handler(
          [&worker](absl::AnyInvocable<void()> task) { net::post(worker.ioc, std::move(task)); });
    }
    WaitForSignals();
    for (Worker& worker : workers_) {
      Sweep(worker);
      if (options_.background_yield) {
        YieldToBackground(worker);
      }
    }
    DoAccept();
    std::vector<std::thread> threads;
    for (size_t i = 1; i < workers_.size(); ++i) {
      threads.emplace_back([this, i] { RunWorker(workers_[i]); });
    }
    RunWorker(workers_[0]);
    for (std::thread& thread : threads) {
      thread.join();
    }
    {
      std::lock_guard lock(loops_done_mu_);
      loops_done_ = true;
    }
    loops_ended_.notify_all();
    if (watchdog_.joinable()) {
      watchdog_.join();
    }
  }

  void Stop() {
    if (stopping_.exchange(true)) {
      return;
    }
    // Started before anything is posted, so that Run sees it once the loops end.
    watchdog_ = std::thread([this] {
      std::unique_lock lock(loops_done_mu_);
      if (!loops_ended_.wait_for(lock, ToChrono(options_.drain_timeout),
                                 [this] { return loops_done_; })) {
        Log(LogLevel::kWarn, "requests still in flight after the drain timeout; stopping anyway");
        for (Worker& worker : workers_) {
          worker.ioc.stop();
        }
      }
    });
    net::post(workers_[0].ioc, [this] {
      ErrorCode ignored;
      acceptor_.close(ignored);
      accept_backoff_.cancel();
      signals_.cancel(ignored);
    });
    for (Worker& worker : workers_) {
      net::post(worker.ioc, [&worker] {
        worker.draining = true;
        // OnDrain may close sockets, whose handlers then run later: iterate over a copy.
        const std::vector<Session*> sessions(worker.sessions.begin(), worker.sessions.end());
        for (Session* session : sessions) {
          session->OnDrain();
        }
        worker.sweep.cancel();
        worker.yield_timer.cancel();
        worker.ReleaseIfDrained();
      });
    }
  }

  void WriteMetrics(MetricsText& out) const {
    out.Family("clicktrack_open_connections", "gauge", "Client connections open now.");
    out.Sample("clicktrack_open_connections", {},
               static_cast<uint64_t>(shared_.connections.load(std::memory_order_relaxed)));
    out.Family("clicktrack_max_connections", "gauge",
               "Connections beyond this are closed at accept (--max-connections).");
    out.Sample("clicktrack_max_connections", {}, static_cast<uint64_t>(options_.max_connections));
  }

 private:
  static void RunWorker(Worker& worker) {
    for (;;) {
      try {
        worker.ioc.run();
        return;
      } catch (const std::exception& e) {
        // A handler threw (allocation failure, a bug): log it and keep serving.
        Log(LogLevel::kError, "event loop exception", {{"error", JsonText(e.what())}});
      }
    }
  }

  // SIGTERM and SIGINT stop gracefully. SIGHUP, which by default would kill the process with
  // no graceful stop, runs on_reload (connections stay open) and flushes the log.
  void WaitForSignals() {
    signals_.async_wait([this](const ErrorCode& ec, int signal) {
      if (ec) {
        return;
      }
      if (signal == SIGHUP) {
        if (options_.on_reload) {
          options_.on_reload();
        }
        FlushLog();
        WaitForSignals();
        return;
      }
      Log(LogLevel::kInfo, "signal received, stopping", {{"signal", signal}});
      Stop();
    });
  }

  void YieldToBackground(Worker& worker) {
    worker.yield_timer.expires_after(ToChrono(options_.yield_period));
    worker.yield_timer.async_wait([this, &worker](ErrorCode ec) {
      if (ec || worker.draining) {
        return;
      }
      ObserveLag(worker.yield_timer.expiry());
      if (const absl::Duration pause = options_.background_yield(); pause > absl::ZeroDuration()) {
        absl::SleepFor(pause);  // the loop's core goes to the SCHED_IDLE background threads
      }
      YieldToBackground(worker);
    });
  }

  // How late a timer of this loop fired: what a request ready at `due` waited for the loop.
  static void ObserveLag(SteadyClock::time_point due) {
    const auto late =
        std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - due);
    LocalMetrics().loop_lag.Observe(kLatencyBoundsMicros,
                                    static_cast<uint64_t>(std::max<int64_t>(0, late.count())));
  }

  void Sweep(Worker& worker) {
    worker.sweep.expires_after(sweep_period_);
    worker.sweep.async_wait([this, &worker](ErrorCode ec) {
      if (ec || worker.draining) {
        return;
      }
      const SteadyClock::time_point now = SteadyClock::now();
      ObserveLag(worker.sweep.expiry());
      for (Session* session : worker.sessions) {
        session->CloseIfExpired(now);  // closes only: no session is destroyed in this loop
      }
      Sweep(worker);
    });
  }

  // Waits until the listening socket has connections, then takes up to kAcceptBurst of them
  // (nginx's multi_accept): accept4 makes each non-blocking, which Session's reads and writes
  // rely on, without a further system call.
  void DoAccept() {
    acceptor_.async_wait(Tcp::acceptor::wait_read, [this](ErrorCode ec) {
      if (ec == net::error::operation_aborted || !acceptor_.is_open()) {
        return;
      }
      for (int taken = 0; taken < kAcceptBurst; ++taken) {
        const int fd =
            ::accept4(acceptor_.native_handle(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
          Adopt(fd);
          continue;
        }
        if (errno == EINTR || errno == ECONNABORTED) {
          continue;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
          // Out of file descriptors (or kernel memory) the failure repeats at once: without a
          // pause the loop spins at 100 % CPU and writes millions of log lines. The
          // connections waiting in the backlog are taken once some close.
          OnAcceptFailed(ErrorCode(errno, boost::system::system_category()));
          return;
        }
        break;
      }
      DoAccept();
    });
  }

  // Hands an accepted connection to the next loop, or closes it when too many are open.
  void Adopt(int fd) {
    if (shared_.connections.fetch_add(1, std::memory_order_relaxed) >= options_.max_connections) {
      shared_.connections.fetch_sub(1, std::memory_order_relaxed);
      ::close(fd);
      return;
    }
    Worker& target = workers_[next_worker_];
    next_worker_ = (next_worker_ + 1) % workers_.size();
    ErrorCode ec;
    Tcp::socket socket(target.ioc);
    if (socket.assign(protocol_, fd, ec); ec) {
      shared_.connections.fetch_sub(1, std::memory_order_relaxed);
      ::close(fd);
      return;
    }
    if (&target == &workers_[0]) {
      // The acceptor's own loop: no hop through the queue.
      std::make_shared<Session>(target, shared_, std::move(socket))->Start();
      return;
    }
    net::post(target.ioc, [this, &target, socket = std::move(socket)]() mutable {
      std::make_shared<Session>(target, shared_, std::move(socket))->Start();
    });
  }

  // Logs an accept failure at most once per kAcceptLogPeriod (with how many were not logged)
  // and accepts again after kAcceptBackoff.
  void OnAcceptFailed(const ErrorCode& ec) {
    ++accept_failures_;
    const SteadyClock::time_point now = SteadyClock::now();
    if (now - last_accept_log_ >= kAcceptLogPeriod) {
      Log(LogLevel::kWarn, "accept failed; pausing before the next accept",
          {{"error", JsonText(ec.message())},
           {"failures_since_last_log", accept_failures_},
           {"open_connections", shared_.connections.load(std::memory_order_relaxed)},
           {"max_connections", options_.max_connections}});
      last_accept_log_ = now;
      accept_failures_ = 0;
    }
    accept_backoff_.expires_after(kAcceptBackoff);
    accept_backoff_.async_wait([this](ErrorCode wait_ec) {
      if (!wait_ec && acceptor_.is_open()) {
        DoAccept();
      }
    });
  }

  static constexpr int kAcceptBurst = 64;
  static constexpr SteadyClock::duration kAcceptBackoff = std::chrono::milliseconds(50);
  static constexpr SteadyClock::duration kAcceptLogPeriod = std::chrono::seconds(10);

  const ServerOptions options_;
  Shared shared_;
  std::vector<Worker> workers_;
  Tcp::acceptor acceptor_;
  Tcp protocol_ = Tcp::v4();  // of the listening address
  net::signal_set signals_;
  net::steady_timer accept_backoff_;
  SteadyClock::time_point last_accept_log_;
  uint64_t accept_failures_ = 0;
  const SteadyClock::duration sweep_period_;
  size_t next_worker_ = 0;
  std::atomic<bool> stopping_{false};
  // Set once every loop has returned (std::mutex, not absl::Notification: visible to
  // ThreadSanitizer, which cannot see into Debian's Abseil).
  std::mutex loops_done_mu_;
  std::condition_variable loops_ended_;
  bool loops_done_ = false;
  std::thread watchdog_;
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Server::~Server() = default;
absl::StatusOr<std::string> Server::Listen() { return impl_->Listen(); }
void Server::Run(HandlerFactory make_handler) { impl_->Run(make_handler); }
void Server::Stop() { impl_->Stop(); }
void Server::WriteMetrics(MetricsText& out) const { impl_->WriteMetrics(out); }

}  // namespace clicktrack::tracker
