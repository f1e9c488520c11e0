#include "tracker/server.h"

#include <atomic>
#include <list>
#include <optional>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "boost/asio/execution/outstanding_work.hpp"
#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/prefer.hpp"
#include "boost/asio/signal_set.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"

#include "tracker/json_codec.h"
#include "tracker/log.h"

namespace clicktrack::tracker {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Tcp = net::ip::tcp;
using ErrorCode = beast::error_code;

std::chrono::steady_clock::duration ToChrono(absl::Duration d) {
  return absl::ToChronoNanoseconds(d);
}

Method ToMethod(http::verb verb) {
  switch (verb) {
    case http::verb::get:
      return Method::kGet;
    case http::verb::head:
      return Method::kHead;
    case http::verb::post:
      return Method::kPost;
    case http::verb::put:
      return Method::kPut;
    case http::verb::patch:
      return Method::kPatch;
    case http::verb::delete_:
      return Method::kDelete;
    default:
      return Method::kOther;
  }
}

absl::string_view View(beast::string_view s) { return absl::string_view(s.data(), s.size()); }

// The target with the value of a token= parameter (a postback secret) blanked, for logs.
std::string RedactSecrets(absl::string_view target) {
  std::string out(target);
  for (size_t at = out.find("token="); at != std::string::npos; at = out.find("token=", at + 1)) {
    if (at != 0 && out[at - 1] != '?' && out[at - 1] != '&') {
      continue;
    }
    const size_t start = at + 6;
    const size_t end = out.find('&', start);
    out.replace(start, (end == std::string::npos ? out.size() : end) - start, "REDACTED");
  }
  return out;
}

bool IsParseError(const ErrorCode& ec) {
  return ec.category() == http::make_error_code(http::error::bad_method).category();
}

struct Worker;

class Session;

// One event loop and the sessions it runs; touched only from its own thread.
// Member order matters: the io_context is destroyed before `sessions` (its pending handlers
// own sessions, which unregister themselves), and the guard before the io_context.
struct Worker {
  std::list<Session*> sessions;
  bool draining = false;
  std::unique_ptr<ClickSink> click_sink;  // outlives the io_context's pending flush
  net::io_context ioc{1};
  std::optional<net::executor_work_guard<net::io_context::executor_type>> guard{ioc.get_executor()};
};

struct Shared {
  const ServerOptions& options;
  Router* router = nullptr;  // set by Run, before the first session
  std::atomic<size_t> connections{0};
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Worker& worker, Shared& shared, Tcp::socket&& socket)
      : worker_(worker), shared_(shared), stream_(std::move(socket)) {
    registration_ = worker_.sessions.insert(worker_.sessions.end(), this);
  }
  ~Session() {
    worker_.sessions.erase(registration_);
    shared_.connections.fetch_sub(1, std::memory_order_relaxed);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void Start() { DoReadHeader(); }

  // Called on the worker's thread when the server stops: an idle connection is closed now,
  // a busy one after its response.
  void OnDrain() {
    if (reading_) {
      ErrorCode ignored;
      stream_.socket().shutdown(Tcp::socket::shutdown_both, ignored);
      stream_.socket().close(ignored);
    }
  }

 private:
  void DoReadHeader() {
    parser_.emplace();
    parser_->header_limit(shared_.options.header_limit);
    parser_->body_limit(shared_.options.body_limit);
    reading_ = true;
    stream_.expires_after(ToChrono(shared_.options.read_timeout));
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(ErrorCode ec, std::size_t /*bytes*/) {
    if (ec) {
      OnReadError(ec);
      return;
    }
    const auto& header = parser_->get();
    if (beast::iequals(header[http::field::expect], "100-continue") && !parser_->is_done()) {
      // curl and others wait for this before sending a body over 1 KiB.
      continue_.emplace(http::status::continue_, header.version());
      http::async_write(stream_, *continue_,
                        beast::bind_front_handler(&Session::OnContinueWritten, shared_from_this()));
      return;
    }
    DoReadBody();
  }

  void OnContinueWritten(ErrorCode ec, std::size_t /*bytes*/) {
    if (ec) {
      Close();
      return;
    }
    DoReadBody();
  }

  void DoReadBody() {
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(ErrorCode ec, std::size_t /*bytes*/) {
    reading_ = false;
    if (ec) {
      OnReadError(ec);
      return;
    }
    const http::request<http::string_body>& request = parser_->get();
    HttpRequest view{
        .method = ToMethod(request.method()),
        .target = View(request.target()),
        .authorization = View(request[http::field::authorization]),
        .cookie = View(request[http::field::cookie]),
        .user_agent = View(request[http::field::user_agent]),
        .x_signature = View(request["X-Signature"]),
        .body = request.body(),
        .click_sink = worker_.click_sink.get(),
    };
    const auto started = std::chrono::steady_clock::now();
    const bool keep_alive = request.keep_alive() && !worker_.draining;
    const bool head = request.method() == http::verb::head;
    const unsigned version = request.version();
    std::optional<HttpResponse> response = shared_.router->Handle(view, [&]() -> LaterResponse {
      // The answer comes from another thread once it is durable. The tracked executor keeps
      // this worker's loop running (through a graceful stop) until it is written.
      return [self = shared_from_this(),
              executor =
                  net::prefer(worker_.ioc.get_executor(), net::execution::outstanding_work.tracked),
              keep_alive, head, version](HttpResponse later) mutable {
        if (executor.running_in_this_thread()) {
          // Answered from this loop (a click batch's flush): write now, no second hop.
          self->Write(std::move(later), keep_alive && !self->worker_.draining, head, version);
          return;
        }
        net::post(executor, [self = std::move(self), later = std::move(later), keep_alive, head,
                             version]() mutable {
          self->Write(std::move(later), keep_alive && !self->worker_.draining, head, version);
        });
      };
    });
    if (!response.has_value()) {
      return;  // deferred: Write runs when the answer is posted back
    }
    if (LogEnabled(LogLevel::kDebug)) {
      Log(LogLevel::kDebug, "request",
          {{"method", JsonText(View(request.method_string()))},
           {"target", JsonText(RedactSecrets(view.target))},
           {"status", response->status},
           {"micros", std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count()}});
    }
    Write(*std::move(response), keep_alive, head, version);
  }

  void OnReadError(const ErrorCode& ec) {
    reading_ = false;
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset ||
        ec == net::error::eof) {
      Close();
      return;
    }
    if (ec == http::error::header_limit) {
      WriteError(431, "request header fields too large");
      return;
    }
    if (ec == http::error::body_limit) {
      WriteError(413, absl::StrCat("request body too large (at most ", shared_.options.body_limit,
                                   " bytes)"));
      return;
    }
    if (IsParseError(ec)) {
      WriteError(400, absl::StrCat("malformed HTTP request: ", ec.message()));
      return;
    }
    Log(LogLevel::kDebug, "connection error", {{"error", JsonText(ec.message())}});
    Close();
  }

  // An error the connection cannot recover from: answer, then close.
  void WriteError(int status, absl::string_view message) {
    HttpResponse response;
    response.status = status;
    response.content_type = "application/json";
    response.body = ErrorBody(message);
    Write(std::move(response), /*keep_alive=*/false, /*head=*/false, 11);
  }

  void Write(HttpResponse&& response, bool keep_alive, bool head, unsigned version) {
    response_ = {};
    response_.version(version);
    response_.result(static_cast<unsigned>(response.status));
    response_.set(http::field::server, "clicktrack");
    if (!response.content_type.empty()) {
      response_.set(http::field::content_type, response.content_type);
    }
    for (auto& [name, value] : response.headers) {
      response_.set(beast::string_view(name.data(), name.size()), value);
    }
    response_.body() = std::move(response.body);
    response_.keep_alive(keep_alive);
    response_.prepare_payload();
    if (head) {
      response_.body().clear();  // Content-Length stays that of the GET
    }
    close_after_write_ = !keep_alive;
    stream_.expires_after(ToChrono(shared_.options.write_timeout));
    http::async_write(stream_, response_,
                      beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
  }

  void OnWrite(ErrorCode ec, std::size_t /*bytes*/) {
    if (ec || close_after_write_ || worker_.draining) {
      Close();
      return;
    }
    DoReadHeader();
  }

  void Close() {
    ErrorCode ignored;
    stream_.socket().shutdown(Tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  Worker& worker_;
  Shared& shared_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::empty_body>> continue_;
  http::response<http::string_body> response_;
  std::list<Session*>::iterator registration_;
  bool reading_ = false;
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
        signals_(workers_[0].ioc, SIGINT, SIGTERM) {}

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
    signals_.async_wait([this](const ErrorCode& ec, int signal) {
      if (!ec) {
        Log(LogLevel::kInfo, "signal received, stopping", {{"signal", signal}});
        Stop();
      }
    });
    DoAccept();
    std::vector<std::thread> threads;
    for (size_t i = 1; i < workers_.size(); ++i) {
      threads.emplace_back([this, i] { RunWorker(workers_[i]); });
    }
    RunWorker(workers_[0]);
    for (std::thread& thread : threads) {
      thread.join();
    }
    loops_done_.Notify();
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
      if (!loops_done_.WaitForNotificationWithTimeout(options_.drain_timeout)) {
        Log(LogLevel::kWarn, "requests still in flight after the drain timeout; stopping anyway");
        for (Worker& worker : workers_) {
          worker.ioc.stop();
        }
      }
    });
    net::post(workers_[0].ioc, [this] {
      ErrorCode ignored;
      acceptor_.close(ignored);
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
        worker.guard.reset();
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

  void DoAccept() {
    Worker& target = workers_[next_worker_];
    next_worker_ = (next_worker_ + 1) % workers_.size();
    acceptor_.async_accept(target.ioc, [this, &target](ErrorCode ec, Tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor_.is_open()) {
        return;
      }
      if (ec) {
        Log(LogLevel::kWarn, "accept failed", {{"error", JsonText(ec.message())}});
      } else if (shared_.connections.fetch_add(1, std::memory_order_relaxed) >=
                 options_.max_connections) {
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

  const ServerOptions options_;
  Shared shared_;
  std::vector<Worker> workers_;
  Tcp::acceptor acceptor_;
  net::signal_set signals_;
  size_t next_worker_ = 0;
  std::atomic<bool> stopping_{false};
  absl::Notification loops_done_;
  std::thread watchdog_;
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Server::~Server() = default;
absl::StatusOr<std::string> Server::Listen() { return impl_->Listen(); }
void Server::Run(Router& router) { impl_->Run(router); }
void Server::Stop() { impl_->Stop(); }

}  // namespace clicktrack::tracker
