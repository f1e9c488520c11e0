#pragma once

// JSON text as every answer and log line writes it, and the API's timestamps.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "boost/json/object.hpp"

namespace clicktrack::tracker {

// RFC 3339 in UTC with milliseconds ("2026-11-24T05:50:21.123Z"), and its parser, which
// takes any RFC 3339 offset.
std::string FormatTimestamp(absl::Time time);
absl::StatusOr<absl::Time> ParseTimestamp(absl::string_view text);

// `object` as JSON text that is always valid UTF-8: a stored text from before the edge
// checked it, or an echoed input, has its invalid bytes replaced by U+FFFD.
std::string SerializeJson(const boost::json::object& object);

// {"error": message}, serialized.
std::string ErrorBody(absl::string_view message);

}  // namespace clicktrack::tracker
