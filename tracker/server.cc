#include "tracker/server.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "boost/asio/bind_allocator.hpp"
#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/signal_set.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/write.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http/error.hpp"

#include "tracker/codec/admin_json.h"
#include "tracker/common/log.h"
#include "tracker/common/query_string.h"
#include "tracker/http_wire.h"

namespace clicktrack::tracker {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Tcp = net::ip::tcp;
using ErrorCode = beast::error_code;

using SteadyClock = std::chrono::steady_clock;

SteadyClock::duration ToChrono(absl::Duration d) { return absl::ToChronoNanoseconds(d); }

// How often a worker looks for connections past their deadline: a quarter of the shortest
// timeout, so that one fires at most 25 % late.
SteadyClock::duration SweepPeriod(const ServerOptions& options) {
  const absl::Duration shortest = std::min(options.read_timeout, options.write_timeout);
  return ToChrono(std::clamp(shortest / 4, absl::Milliseconds(10), absl::Seconds(1)));
}

// Memory for a session's one outstanding operation of a kind (it never has two reads or two
// writes in flight). Asio's per-thread recycling keeps only a few freed blocks, so with dozens
// of sessions answering in bursts every response allocated its write operation; with a slot
// per session nothing is allocated per request. Asio moves the handler (which owns the
// session, and so the slot) out of the operation before it frees the memory.
class HandlerSlot {
 public:
  void* Allocate(std::size_t size) {
    if (!in_use_ && size <= sizeof(storage_)) {
      in_use_ = true;
      return storage_;
    }
    return ::operator new(size);  // larger than any of our operations: kept correct anyway
  }
  void Deallocate(void* pointer) {
    if (pointer == storage_) {
      in_use_ = false;
    } else {
      ::operator delete(pointer);
    }
  }

 private:
  alignas(std::max_align_t) unsigned char storage_[512];
  bool in_use_ = false;
};

template <typename T>
class SlotAllocator {
 public:
  using value_type = T;  // NOLINT(readability-identifier-naming): the Allocator requirements
  explicit SlotAllocator(HandlerSlot& slot) noexcept : slot_(&slot) {}
  template <typename U>
  SlotAllocator(const SlotAllocator<U>& other) noexcept : slot_(other.slot()) {}  // NOLINT

  T* allocate(std::size_t n) { return static_cast<T*>(slot_->Allocate(sizeof(T) * n)); }
  void deallocate(T* pointer, std::size_t /*n*/) noexcept { slot_->Deallocate(pointer); }
  HandlerSlot* slot() const noexcept { return slot_; }
  friend bool operator==(const SlotAllocator& a, const SlotAllocator& b) noexcept {
    return a.slot_ == b.slot_;
  }

 private:
  HandlerSlot* slot_;
};

constexpr size_t kReadChunk = 4096;
constexpr absl::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

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
  std::unique_ptr<ClickSink> click_sink;  // outlives the io_context's pending flush
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
  Router* router = nullptr;  // set by Run, before the first session
  std::atomic<size_t> connections{0};
};

// One connection: reads a request into reused buffers, hands it to the router, writes the
// answer (now, or when the router delivers it later), and starts on the next request, which
// may already be in the buffer (pipelining). One request at a time.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Worker& worker, Shared& shared, Tcp::socket&& socket)
      : worker_(worker), shared_(shared), socket_(std::move(socket)) {
    registration_ = worker_.sessions.insert(worker_.sessions.end(), this);
  }
  ~Session() {
    worker_.sessions.erase(registration_);
    shared_.connections.fetch_sub(1, std::memory_order_relaxed);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void Start() { StartRequest(); }

  // Called on the worker's thread when the server stops: an idle connection is closed now,
  // a busy one after its response.
  void OnDrain() {
    if (reading_) {
      Close();
    }
  }

  // Called by the worker's sweep: a request that takes too long to arrive, or a response too
  // long to leave, closes the connection.
  void CloseIfExpired(SteadyClock::time_point now) {
    if (now >= deadline_ && socket_.is_open()) {
      Log(LogLevel::kDebug, "connection timed out", {{"reading", reading_}});
      Close();
    }
  }

 private:
  void StartRequest() {
    data_.Clear();
    parser_.emplace(data_, shared_.options.header_limit, shared_.options.body_limit);
    continue_sent_ = false;
    reading_ = true;
    deadline_ = SteadyClock::now() + ToChrono(shared_.options.read_timeout);
    Parse();
  }

  // Feeds what the buffer holds to the parser; reads more if the request is not complete.
  void Parse() {
    while (buffer_.size() != 0) {
      ErrorCode ec;
      const size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == http::error::need_more) {
        break;
      }
      if (ec) {
        OnBadRequest(ec);
        return;
      }
      if (parser_->is_done()) {
        OnRequest();
        return;
      }
      if (used == 0) {
        break;
      }
    }
    if (data_.expect_continue && !continue_sent_ && parser_->is_header_done()) {
      // curl and others wait for this before sending a body over 1 KiB.
      continue_sent_ = true;
      net::async_write(socket_, net::buffer(kContinue.data(), kContinue.size()),
                       net::bind_allocator(SlotAllocator<void>(write_slot_),
                                           beast::bind_front_handler(&Session::OnContinueWritten,
                                                                     shared_from_this())));
      return;
    }
    socket_.async_read_some(
        buffer_.prepare(kReadChunk),
        net::bind_allocator(SlotAllocator<void>(read_slot_),
                            beast::bind_front_handler(&Session::OnReadSome, shared_from_this())));
  }

  void OnReadSome(ErrorCode ec, std::size_t bytes) {
    if (ec) {
      if (ec != net::error::eof && ec != net::error::operation_aborted &&
          ec != net::error::connection_reset && ec != net::error::bad_descriptor) {
        Log(LogLevel::kDebug, "connection error", {{"error", JsonText(ec.message())}});
      }
      Close();
      return;
    }
    buffer_.commit(bytes);
    Parse();
  }

  void OnContinueWritten(ErrorCode ec, std::size_t /*bytes*/) {
    if (ec) {
      Close();
      return;
    }
    Parse();
  }

  void OnBadRequest(const ErrorCode& ec) {
    reading_ = false;
    if (ec == http::error::header_limit) {
      WriteError(431, "request header fields too large");
    } else if (ec == http::error::body_limit) {
      WriteError(413, absl::StrCat("request body too large (at most ", shared_.options.body_limit,
                                   " bytes)"));
    } else if (!data_.rejection.empty()) {
      WriteError(400, data_.rejection);
    } else {
      WriteError(400, absl::StrCat("malformed HTTP request: ", ec.message()));
    }
  }

  void OnRequest() {
    reading_ = false;
    started_ = SteadyClock::now();
    request_id_ = ++worker_.requests;
    keep_alive_ = parser_->keep_alive();
    std::optional<HttpResponse> response =
        shared_.router->Handle(data_.View(worker_.click_sink.get()), [this] { return Defer(); });
    if (response.has_value()) {
      Reply(*std::move(response));
    }
    // else: deferred, Answer writes it.
  }

  // The answer comes later: from this loop (a click batch's flush) or from another thread
  // (the committer, once a conversion is durable).
  LaterResponse Defer() {
    ++worker_.deferred;
    deadline_ = SteadyClock::time_point::max();
    return [self = shared_from_this()](HttpResponse&& later) mutable {
      Worker& worker = self->worker_;
      if (worker.ioc.get_executor().running_in_this_thread()) {
        self->Answer(std::move(later));
        return;
      }
      net::post(worker.ioc, [self = std::move(self), later = std::move(later)]() mutable {
        self->Answer(std::move(later));
      });
    };
  }

  void Answer(HttpResponse&& response) {
    --worker_.deferred;
    Reply(std::move(response));
    worker_.ReleaseIfDrained();  // the write in flight keeps the loop running until it ends
  }

  // The answer to the request just read, in its HTTP version and keep-alive; a HEAD's body
  // is left out.
  void Reply(HttpResponse&& response) {
    Write(std::move(response), data_.version, keep_alive_, data_.verb == http::verb::head);
  }

  // An error the connection cannot recover from: answer, then close (RFC 9112 §6.3: after a
  // framing error the rest of the bytes cannot be trusted to start a request).
  void WriteError(int status, absl::string_view message) {
    HttpResponse response;
    response.status = status;
    response.content_type = "application/json";
    response.body = ErrorBody(message);
    // In the client's version when the request line got that far (an HTTP/1.0 client may
    // not read a 1.1 answer).
    Write(std::move(response), data_.version, /*keep_alive=*/false, /*head=*/false);
  }

  void Write(HttpResponse&& response, unsigned version, bool keep_alive, bool head) {
    keep_alive = keep_alive && !worker_.draining;
    if (LogEnabled(LogLevel::kDebug) && !data_.method.empty()) {
      Log(LogLevel::kDebug, "request",
          {{"request_id", JsonText(absl::StrCat(worker_.index, "-", request_id_))},
           {"method", JsonText(data_.method)},
           {"target", JsonText(RedactSecrets(data_.target))},
           {"status", response.status},
           {"micros",
            std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - started_)
                .count()}});
    }
    out_.clear();
    SerializeResponse(response, version, keep_alive, head, out_);
    close_after_write_ = !keep_alive;
    deadline_ = SteadyClock::now() + ToChrono(shared_.options.write_timeout);
    net::async_write(
        socket_, net::buffer(out_),
        net::bind_allocator(SlotAllocator<void>(write_slot_),
                            beast::bind_front_handler(&Session::OnWrite, shared_from_this())));
  }

  void OnWrite(ErrorCode ec, std::size_t /*bytes*/) {
    if (ec || close_after_write_ || worker_.draining) {
      Close();
      return;
    }
    StartRequest();
  }

  void Close() {
    ErrorCode ignored;
    socket_.shutdown(Tcp::socket::shutdown_send, ignored);
    socket_.close(ignored);
  }

  Worker& worker_;
  Shared& shared_;
  Tcp::socket socket_;
  beast::flat_buffer buffer_;
  RequestData data_;  // reused: its strings keep their capacity from request to request
  std::optional<RequestParser> parser_;
  std::string out_;  // the serialised response, reused likewise
  HandlerSlot read_slot_;
  HandlerSlot write_slot_;
  std::list<Session*>::iterator registration_;
  SteadyClock::time_point deadline_ = SteadyClock::time_point::max();
  SteadyClock::time_point started_;
  uint64_t request_id_ = 0;
  bool reading_ = false;
  bool continue_sent_ = false;
  bool keep_alive_ = false;
  bool close_after_write_ = false;
};

}  // namespace

class Server::Impl {
 public:
  explicit Impl(ServerOptions options)
      : options_(std::move(options)),
        shared_{.options = options_},
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
    const Tcp::endpoint bound = acceptor_.local_endpoint(ec);
    const std::string host = bound.address().is_v6()
                                 ? absl::StrCat("[", bound.address().to_string(), "]")
                                 : bound.address().to_string();
    return absl::StrCat(host, ":", bound.port());
  }

  void Run(Router& router) {
    shared_.router = &router;
    for (Worker& worker : workers_) {
      worker.click_sink = router.NewClickBatcher(
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
  // no graceful stop, reopens the log: today stderr, so it only flushes and says so.
  void WaitForSignals() {
    signals_.async_wait([this](const ErrorCode& ec, int signal) {
      if (ec) {
        return;
      }
      if (signal == SIGHUP) {
        Log(LogLevel::kInfo, "SIGHUP received: the log (stderr) is flushed, nothing to reopen");
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
      if (const absl::Duration pause = options_.background_yield(); pause > absl::ZeroDuration()) {
        absl::SleepFor(pause);  // the loop's core goes to the SCHED_IDLE background threads
      }
      YieldToBackground(worker);
    });
  }

  void Sweep(Worker& worker) {
    worker.sweep.expires_after(sweep_period_);
    worker.sweep.async_wait([this, &worker](ErrorCode ec) {
      if (ec || worker.draining) {
        return;
      }
      const SteadyClock::time_point now = SteadyClock::now();
      for (Session* session : worker.sessions) {
        session->CloseIfExpired(now);  // closes only: no session is destroyed in this loop
      }
      Sweep(worker);
    });
  }

  void DoAccept() {
    Worker& target = workers_[next_worker_];
    next_worker_ = (next_worker_ + 1) % workers_.size();
    acceptor_.async_accept(target.ioc, [this, &target](ErrorCode ec, Tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor_.is_open()) {
        return;
      }
      if (ec) {
        // Out of file descriptors (or kernel memory) the failure repeats at once: without a
        // pause the loop spins at 100 % CPU and writes millions of log lines. The
        // connections waiting in the backlog are taken once some close.
        OnAcceptFailed(ec);
        return;
      }
      if (shared_.connections.fetch_add(1, std::memory_order_relaxed) >= options_.max_connections) {
        shared_.connections.fetch_sub(1, std::memory_order_relaxed);
        ErrorCode ignored;
        socket.close(ignored);
      } else {
        ErrorCode ignored;
        socket.set_option(Tcp::no_delay(true), ignored);
        net::post(target.ioc, [this, &target, socket = std::move(socket)]() mutable {
          std::make_shared<Session>(target, shared_, std::move(socket))->Start();
        });
      }
      DoAccept();
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

  static constexpr SteadyClock::duration kAcceptBackoff = std::chrono::milliseconds(50);
  static constexpr SteadyClock::duration kAcceptLogPeriod = std::chrono::seconds(10);

  const ServerOptions options_;
  Shared shared_;
  std::vector<Worker> workers_;
  Tcp::acceptor acceptor_;
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
void Server::Run(Router& router) { impl_->Run(router); }
void Server::Stop() { impl_->Stop(); }

}  // namespace clicktrack::tracker
