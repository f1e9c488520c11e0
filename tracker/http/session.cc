#include "tracker/http/session.h"

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "boost/asio/bind_allocator.hpp"
#include "boost/asio/post.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http/error.hpp"

#include "tracker/common/json_text.h"
#include "tracker/common/log.h"
#include "tracker/common/metrics.h"
#include "tracker/common/query_string.h"

#include <sys/socket.h>

namespace clicktrack::tracker::http_internal {
namespace {

namespace http = beast::http;

constexpr size_t kReadChunk = 4096;
constexpr size_t kSpoolReadChunk = 64 * 1024;
constexpr absl::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace

Session::Session(Worker& worker, Shared& shared, Tcp::socket&& socket)
    : worker_(worker), shared_(shared), socket_(std::move(socket)) {
  registration_ = worker_.sessions.insert(worker_.sessions.end(), this);
}

Session::~Session() {
  worker_.sessions.erase(registration_);
  shared_.connections.fetch_sub(1, std::memory_order_relaxed);
}

void Session::OnDrain() {
  if (reading_) {
    Close();
  }
}

void Session::CloseIfExpired(SteadyClock::time_point now) {
  if (now >= deadline_ && socket_.is_open()) {
    Log(LogLevel::kDebug, "connection timed out", {{"reading", reading_}});
    Close();
  }
}

void Session::StartRequest() {
  data_.Clear();
  parser_.emplace(data_, shared_.options.header_limit, shared_.options.body_limit,
                  &shared_.options.spool);
  continue_sent_ = false;
  reading_ = true;
  deadline_ = SteadyClock::now() + ToChrono(shared_.options.read_timeout);
  Parse();
}

void Session::Parse() {
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
    out_.assign(kContinue.data(), kContinue.size());
    Send(&Session::OnContinueWritten);
    return;
  }
  Receive();
}

void Session::Receive() {
  for (;;) {
    const net::mutable_buffer space =
        buffer_.prepare(data_.spooling() ? kSpoolReadChunk : kReadChunk);
    const ssize_t got = ::recv(socket_.native_handle(), space.data(), space.size(), 0);
    if (got > 0) {
      OnReadSome({}, static_cast<size_t>(got));
      return;
    }
    if (got == 0) {
      OnReadSome(net::error::eof, 0);
      return;
    }
    if (errno == EINTR) {
      continue;
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      OnReadSome(ErrorCode(errno, boost::system::system_category()), 0);
      return;
    }
    socket_.async_wait(
        Tcp::socket::wait_read,
        net::bind_allocator(SlotAllocator<void>(read_slot_),
                            beast::bind_front_handler(&Session::OnReadable, shared_from_this())));
    return;
  }
}

void Session::OnReadable(ErrorCode ec) {
  if (ec) {
    OnReadSome(ec, 0);
    return;
  }
  Receive();
}

void Session::Send(void (Session::*then)(ErrorCode, std::size_t)) {
  after_send_ = then;
  sent_ = 0;
  SendRest();
}

void Session::SendRest() {
  ErrorCode ec;
  while (sent_ < out_.size()) {
    const ssize_t put =
        ::send(socket_.native_handle(), out_.data() + sent_, out_.size() - sent_, MSG_NOSIGNAL);
    if (put >= 0) {
      sent_ += static_cast<size_t>(put);
      continue;
    }
    if (errno == EINTR) {
      continue;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      socket_.async_wait(
          Tcp::socket::wait_write,
          net::bind_allocator(SlotAllocator<void>(write_slot_),
                              beast::bind_front_handler(&Session::OnWritable, shared_from_this())));
      return;
    }
    ec = ErrorCode(errno, boost::system::system_category());
    break;
  }
  // Posted, never called from here: a client that pipelines requests would otherwise nest
  // read, answer and write without end.
  net::post(worker_.ioc, net::bind_allocator(SlotAllocator<void>(write_slot_),
                                             beast::bind_front_handler(
                                                 after_send_, shared_from_this(), ec, sent_)));
}

void Session::OnWritable(ErrorCode ec) {
  if (ec) {
    (this->*after_send_)(ec, sent_);
    return;
  }
  SendRest();
}

void Session::OnReadSome(ErrorCode ec, std::size_t bytes) {
  if (ec) {
    if (ec != net::error::eof && ec != net::error::operation_aborted &&
        ec != net::error::connection_reset && ec != net::error::bad_descriptor) {
      Log(LogLevel::kDebug, "connection error", {{"error", JsonText(ec.message())}});
    }
    Close();
    return;
  }
  buffer_.commit(bytes);
  if (data_.spooling()) {
    // A large body may take longer than read_timeout: the deadline is for silence.
    deadline_ = SteadyClock::now() + ToChrono(shared_.options.read_timeout);
  }
  Parse();
}

void Session::OnContinueWritten(ErrorCode ec, std::size_t /*bytes*/) {
  if (ec) {
    Close();
    return;
  }
  Parse();
}

void Session::BeginAnswer() {
  reading_ = false;
  started_ = SteadyClock::now();
  request_id_ = ++worker_.requests;
  route_ = 0;
}

void Session::OnBadRequest(const ErrorCode& ec) {
  BeginAnswer();
  if (ec == http::error::header_limit) {
    WriteError(431, "request header fields too large");
  } else if (ec == http::error::body_limit) {
    WriteError(413, absl::StrCat("request body too large (at most ", data_.body_limit, " bytes)"));
  } else if (!data_.rejection.empty()) {
    WriteError(400, data_.rejection);
  } else {
    WriteError(400, absl::StrCat("malformed HTTP request: ", ec.message()));
  }
}

void Session::OnRequest() {
  BeginAnswer();
  keep_alive_ = parser_->keep_alive();
  std::optional<HttpResponse> response =
      worker_.handler->Handle(data_.View(), route_, [this] { return Defer(); });
  if (response.has_value()) {
    Reply(*std::move(response));
  }
  // else: deferred, Answer writes it.
}

LaterResponse Session::Defer() {
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

void Session::Answer(HttpResponse&& response) {
  --worker_.deferred;
  Reply(std::move(response));
  worker_.ReleaseIfDrained();  // the write in flight keeps the loop running until it ends
}

void Session::Reply(HttpResponse&& response) {
  Write(std::move(response), data_.version, keep_alive_, data_.verb == http::verb::head);
}

void Session::WriteError(int status, absl::string_view message) {
  HttpResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.body = ErrorBody(message);
  // In the client's version when the request line got that far (an HTTP/1.0 client may
  // not read a 1.1 answer).
  Write(std::move(response), data_.version, /*keep_alive=*/false, /*head=*/false);
}

void Session::Write(HttpResponse&& response, unsigned version, bool keep_alive, bool head) {
  keep_alive = keep_alive && !worker_.draining;
  const auto micros = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - started_).count());
  LocalMetrics().ObserveRequest(route_, response.status, micros);
  const RequestId id{.process = shared_.process_tag, .loop = worker_.index, .n = request_id_};
  if (AccessLogWants(request_id_, response.status)) {
    LogAccess(id, response.status, micros);
  }
  const bool streamed = response.stream && !head;
  keep_alive = keep_alive && !(streamed && version == 10);  // such a body ends with the connection
  out_.clear();
  SerializeResponse(response, version, keep_alive, head, out_, &id);
  if (streamed) {
    stream_ = std::move(response.stream);
    stream_version_ = version;
  }
  close_after_write_ = !keep_alive;
  if ((keep_alive || streamed) && !no_delay_) {
    // Set once a connection outlives its first answer or streams one in pieces (as nginx
    // does): a connection closed after one write has nothing for Nagle to hold back.
    ErrorCode ignored;
    socket_.set_option(Tcp::no_delay(true), ignored);
    no_delay_ = true;
  }
  deadline_ = SteadyClock::now() + ToChrono(shared_.options.write_timeout);
  Send(&Session::OnWrite);
}

void Session::OnWrite(ErrorCode ec, std::size_t /*bytes*/) {
  if (!ec && stream_) {
    WriteNextPiece();
    return;
  }
  if (ec || close_after_write_ || worker_.draining) {
    Close();
    return;
  }
  StartRequest();
}

void Session::WriteNextPiece() {
  piece_.clear();
  const StreamStep step = stream_(piece_);
  if (step == StreamStep::kFailed) {
    stream_ = nullptr;
    Close();  // no last chunk: the client sees the body is incomplete
    return;
  }
  out_.clear();
  AppendStreamPiece(piece_, stream_version_, step == StreamStep::kDone, out_);
  if (step == StreamStep::kDone) {
    stream_ = nullptr;
  }
  deadline_ = SteadyClock::now() + ToChrono(shared_.options.write_timeout);
  Send(&Session::OnWrite);
}

void Session::LogAccess(const RequestId& id, int status, uint64_t micros) {
  ErrorCode ec;
  const Tcp::endpoint peer = socket_.remote_endpoint(ec);
  const std::string client =
      ec ? std::string("unknown")
         : shared_.options.trusted_proxies.Client(peer.address(), data_.forwarded_for);
  LogAtAnyLevel("request", {{"request_id", JsonText(id.Text())},
                            {"method", JsonText(data_.method)},
                            {"route", JsonText(RouteLabel(route_))},
                            {"target", JsonText(RedactSecrets(data_.target))},
                            {"status", status},
                            {"micros", micros},
                            {"client", JsonText(client)}});
}

// close() alone sends the FIN: a shutdown() first would cost a second trip through the TCP
// stack on every connection that ends.
void Session::Close() {
  ErrorCode ignored;
  socket_.close(ignored);
}

}  // namespace clicktrack::tracker::http_internal
