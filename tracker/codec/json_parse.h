#pragma once

// Request bodies as JSON (SPEC §4): one UTF-8 object, nesting at most 32 deep, and no key
// twice within one object (Boost.JSON would keep the last one silently).

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "boost/json/object.hpp"

namespace clicktrack::tracker {

// The object, or kInvalidArgument: not JSON, not an object, or a key given twice.
absl::StatusOr<boost::json::object> ParseJsonObject(absl::string_view body);

// The same without the duplicate-key check (the last one counts), for a caller that must
// check something else first (the postback's program and signature, SPEC §4.4); it then calls
// CheckNoDuplicateKeys.
absl::StatusOr<boost::json::object> ParseJsonObjectKeepingLastKey(absl::string_view body);

// kInvalidArgument naming the first key given twice in one object of `body` (valid JSON).
absl::Status CheckNoDuplicateKeys(absl::string_view body);

}  // namespace clicktrack::tracker
