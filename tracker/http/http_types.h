#pragma once

// The request and response as handlers see them: plain data, no Beast types, so that
// routing and handlers are tested without sockets.

#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "absl/container/inlined_vector.h"
#include "absl/functional/any_invocable.h"
#include "absl/strings/string_view.h"

namespace clicktrack::tracker {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOther };

// Where a request's body is. Only a spooled request (BodySpool) has one of the last three.
enum class BodyPlace {
  kMemory,   // HttpRequest::body
  kFile,     // HttpRequest::body_file, from offset 0 to its end
  kDropped,  // read and thrown away: the request was not admitted to spool
  kLost,     // the file could not be written (HttpRequest::body_error says why)
};

// Views into the server's parser buffers: valid only during RequestHandler::Handle.
struct HttpRequest {
  Method method = Method::kGet;
  absl::string_view target;  // origin form: path and query, as sent
  absl::string_view authorization;
  absl::string_view cookie;
  absl::string_view user_agent;
  absl::string_view x_signature;
  absl::string_view stripe_signature;
  absl::string_view if_none_match;
  absl::string_view accept_encoding;
  absl::string_view idempotency_key;
  absl::string_view body;
  BodyPlace body_place = BodyPlace::kMemory;
  // kFile: an open descriptor of an unlinked file holding the body (read it with pread). The
  // server closes it when the connection's next request starts, or the connection closes:
  // dup() it to keep it.
  int body_file = -1;
  absl::string_view body_error;  // kLost: why
};

// Request bodies kept in a file instead of memory: an import (SPEC §6) may be far larger than
// any other request. A request for whose method and target `accepts` holds may carry up to
// `limit` bytes; if `admits` also holds for its Authorization, its body goes to an unlinked
// temporary file in `dir`, else it is read and dropped (the handler refuses it). Called on the
// event loop's thread, before the body is read.
struct BodySpool {
  std::function<bool(Method, absl::string_view target)> accepts;
  std::function<bool(absl::string_view authorization)> admits;
  std::string dir;
  uint64_t limit = uint64_t{256} << 20;
};

// What a streamed body's producer says after appending a piece of it.
enum class StreamStep {
  kMore,    // call again
  kDone,    // that was the last piece
  kFailed,  // stop: the response is cut short (the client sees an incomplete body)
};

struct HttpResponse {
  int status = 200;
  std::string content_type;  // empty: no Content-Type header
  // Header names are string literals.
  absl::InlinedVector<std::pair<absl::string_view, std::string>, 4> headers;
  std::string body;
  // A body too large to hold (an export): when set, `body` is ignored and the server calls
  // this for each piece, which it appends to its argument, on the loop's thread, once the
  // previous piece is written. Sent chunked (HTTP/1.0: until the connection closes).
  std::function<StreamStep(std::string& piece)> stream;
};

// Delivers a response that is decided later (a conversion waits for its batch's fsync).
// Called exactly once, from any thread. The callee reads the response and may move from it,
// but on its own loop's thread it only reads: the click batcher keeps its responses' strings
// for the next requests.
using LaterResponse = absl::AnyInvocable<void(HttpResponse&&) &&>;

}  // namespace clicktrack::tracker
