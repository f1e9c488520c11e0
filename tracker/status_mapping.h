#pragma once

#include "absl/status/status.h"

#include "tracker/http/http_types.h"

namespace clicktrack::tracker {

// The one table from absl status codes to HTTP status codes.
int ToHttpStatus(absl::StatusCode code);

// A JSON error response {"error": message} with the status mapped from `status`.
HttpResponse ErrorResponse(const absl::Status& status);

}  // namespace clicktrack::tracker
