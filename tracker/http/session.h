#pragma once

// One HTTP/1.1 connection of an event loop. Internal to the server.

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "boost/asio/ip/tcp.hpp"
#include "boost/beast/core/flat_buffer.hpp"

#include "tracker/http/event_loop.h"
#include "tracker/http/handler_slot.h"
#include "tracker/http/http_wire.h"

namespace clicktrack::tracker::http_internal {

namespace beast = boost::beast;
using Tcp = net::ip::tcp;
using ErrorCode = beast::error_code;

// One connection: reads a request into reused buffers, hands it to the loop's handler, writes
// the answer (now, or when the handler delivers it later), and starts on the next request, which
// may already be in the buffer (pipelining). One request at a time.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Worker& worker, Shared& shared, Tcp::socket&& socket);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Reads the first request.
  void Start() { StartRequest(); }

  // Called on the worker's thread when the server stops: an idle connection is closed now,
  // a busy one after its response.
  void OnDrain();

  // Called by the worker's sweep: a request that takes too long to arrive, or a response too
  // long to leave, closes the connection.
  void CloseIfExpired(SteadyClock::time_point now);

 private:
  void StartRequest();

  // Feeds what the buffer holds to the parser; reads more if the request is not complete.
  void Parse();
  // Reads what the socket holds now, or waits until it holds something. Reads and writes go
  // straight to the non-blocking socket (accepted so): Asio serves only as the reactor.
  void Receive();
  void OnReadable(ErrorCode ec);
  void OnReadSome(ErrorCode ec, std::size_t bytes);
  // Writes out_, then posts `then` (OnWrite, OnContinueWritten) with the outcome.
  void Send(void (Session::*then)(ErrorCode, std::size_t));
  void SendRest();
  void OnWritable(ErrorCode ec);
  void OnContinueWritten(ErrorCode ec, std::size_t /*bytes*/);
  // A request is read (or refused): its id, clock and route start here.
  void BeginAnswer();
  void OnBadRequest(const ErrorCode& ec);
  void OnRequest();

  // The answer comes later: from this loop (a click batch's flush) or from another thread
  // (the committer, once a conversion is durable).
  LaterResponse Defer();
  void Answer(HttpResponse&& response);

  // The answer to the request just read, in its HTTP version and keep-alive; a HEAD's body
  // is left out.
  void Reply(HttpResponse&& response);

  // An error the connection cannot recover from: answer, then close (RFC 9112 §6.3: after a
  // framing error the rest of the bytes cannot be trusted to start a request).
  void WriteError(int status, absl::string_view message);

  void Write(HttpResponse&& response, unsigned version, bool keep_alive, bool head);
  void OnWrite(ErrorCode ec, std::size_t /*bytes*/);
  // Writes the next piece of a streamed body (HttpResponse::stream).
  void WriteNextPiece();
  void LogAccess(const RequestId& id, int status, uint64_t micros);
  void Close();

  Worker& worker_;
  Shared& shared_;
  Tcp::socket socket_;
  beast::flat_buffer buffer_;
  RequestData data_;  // reused: its strings keep their capacity from request to request
  std::optional<RequestParser> parser_;
  std::string out_;  // the serialised response, reused likewise
  size_t sent_ = 0;  // of out_
  void (Session::*after_send_)(ErrorCode, std::size_t) = nullptr;
  // The producer of a streamed body being written, and its version; empty otherwise.
  std::function<StreamStep(std::string&)> stream_;
  unsigned stream_version_ = 11;
  std::string piece_;
  HandlerSlot read_slot_;
  HandlerSlot write_slot_;
  std::list<Session*>::iterator registration_;
  SteadyClock::time_point deadline_ = SteadyClock::time_point::max();
  SteadyClock::time_point started_;
  uint64_t request_id_ = 0;
  uint16_t route_ = 0;  // of the request being answered, for the metrics
  bool reading_ = false;
  bool continue_sent_ = false;
  bool keep_alive_ = false;
  bool close_after_write_ = false;
  bool no_delay_ = false;  // TCP_NODELAY set
};

}  // namespace clicktrack::tracker::http_internal
