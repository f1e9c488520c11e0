#pragma once

// What the transport hands each request to. It knows no route and no domain type: the daemon's
// main() builds one handler per event loop and gives the server a factory for them.

#include <cstdint>
#include <memory>
#include <optional>

#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"

#include "tracker/http/http_types.h"

namespace clicktrack::tracker {

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;

  // Most requests are answered at once: the response is returned. A request answered later
  // (a click after its batch's write, a conversion after its fsync) calls `defer` once and
  // returns nullopt; the response then goes to the LaterResponse it got, from any thread.
  // Called only from the handler's own event loop. Sets `route` to the number the request's
  // route was registered under for the metrics (RegisterRoute), or leaves it 0.
  virtual std::optional<HttpResponse> Handle(const HttpRequest& request, uint16_t& route,
                                             absl::FunctionRef<LaterResponse()> defer) = 0;
};

// Runs a task on one event loop's thread, after the handlers already queued there.
using PostToLoop = absl::AnyInvocable<void(absl::AnyInvocable<void()>)>;

// Makes the handler of one event loop, given the way to post to that loop. Called once per
// loop, before the server serves.
using HandlerFactory = absl::AnyInvocable<std::unique_ptr<RequestHandler>(PostToLoop post)>;

}  // namespace clicktrack::tracker
