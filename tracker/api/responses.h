#pragma once

// The API's responses. A status becomes an HTTP error here, and nowhere else.

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "boost/json/object.hpp"

#include "tracker/http/http_types.h"

namespace clicktrack::tracker {

// The one table from absl status codes to HTTP status codes.
int ToHttpStatus(absl::StatusCode code);

// A JSON error response {"error": message} with the status mapped from `status`; a 401
// also says WWW-Authenticate: Bearer.
HttpResponse ErrorResponse(const absl::Status& status);

// A JSON response with `status`.
HttpResponse JsonResponse(int status, const boost::json::object& body);

// A text/plain response.
HttpResponse PlainResponse(int status, absl::string_view body);

// RFC 9110 §13.1.2: whether an If-None-Match header ("*", or entity tags compared weakly)
// names `etag`.
bool IfNoneMatchHits(absl::string_view header, absl::string_view etag);

// 405 with the methods the path allows ("GET, PUT").
HttpResponse MethodNotAllowed(absl::string_view allow);

}  // namespace clicktrack::tracker
