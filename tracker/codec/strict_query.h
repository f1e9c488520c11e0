#pragma once

// The strict reading of a query string that every route but /go makes (SPEC §4).

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace clicktrack::tracker {

// SPEC §4 for every route but /go: each parameter at most once, and its decoded name and
// value valid UTF-8. kInvalidArgument naming the parameter otherwise.
absl::Status ValidateQuery(absl::string_view query);
// The same check, calling `visit(name, decoded_value)` for each parameter as it goes (so a
// caller that wants the values decodes them once). `visit` may have been called for earlier
// parameters when a later one fails the check.
absl::Status ForEachValidQueryParam(
    absl::string_view query,
    absl::FunctionRef<void(absl::string_view name, absl::string_view value)> visit);

}  // namespace clicktrack::tracker
