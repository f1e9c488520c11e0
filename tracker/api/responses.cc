#include "tracker/api/responses.h"

#include <string>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

#include "tracker/common/json_text.h"

namespace clicktrack::tracker {

int ToHttpStatus(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kFailedPrecondition:
      return 409;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

HttpResponse ErrorResponse(const absl::Status& status) {
  HttpResponse response;
  response.status = ToHttpStatus(status.code());
  response.content_type = "application/json";
  response.body = ErrorBody(status.message());
  if (response.status == 401) {
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
  }
  return response;
}

HttpResponse JsonResponse(int status, const boost::json::object& body) {
  HttpResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.body = SerializeJson(body);
  return response;
}

HttpResponse PlainResponse(int status, absl::string_view body) {
  HttpResponse response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = std::string(body);
  return response;
}

HttpResponse MethodNotAllowed(absl::string_view allow) {
  HttpResponse response = ErrorResponse(absl::InvalidArgumentError("method not allowed"));
  response.status = 405;
  response.headers.emplace_back("Allow", std::string(allow));
  return response;
}

bool IfNoneMatchHits(absl::string_view header, absl::string_view etag) {
  for (absl::string_view tag : absl::StrSplit(header, ',')) {
    tag = absl::StripAsciiWhitespace(tag);
    absl::ConsumePrefix(&tag, "W/");
    if (tag == "*" || tag == etag) {
      return true;
    }
  }
  return false;
}

}  // namespace clicktrack::tracker
