#pragma once

// The request and response as handlers see them: plain data, no Beast types, so that
// routing and handlers are tested without sockets.

#include <string>
#include <utility>

#include "absl/container/inlined_vector.h"
#include "absl/functional/any_invocable.h"
#include "absl/strings/string_view.h"

namespace clicktrack::tracker {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOther };

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
  absl::string_view body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type;  // empty: no Content-Type header
  // Header names are string literals.
  absl::InlinedVector<std::pair<absl::string_view, std::string>, 4> headers;
  std::string body;
};

// Delivers a response that is decided later (a conversion waits for its batch's fsync).
// Called exactly once, from any thread. The callee reads the response and may move from it,
// but on its own loop's thread it only reads: the click batcher keeps its responses' strings
// for the next requests.
using LaterResponse = absl::AnyInvocable<void(HttpResponse&&) &&>;

}  // namespace clicktrack::tracker
