#pragma once

// Query strings and cookies, parsed leniently: a redirect must never fail over a malformed
// sub-id or a stranger's cookie. The strict check every other route makes is in
// tracker/codec/strict_query.h.

#include <optional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace clicktrack::tracker {

// Splits an origin-form target into its path and its query (without the '?').
struct Target {
  absl::string_view path;
  absl::string_view query;
};
Target SplitTarget(absl::string_view target);

// Decodes %XX escapes and '+' (as a space). A '%' not followed by two hex digits is kept
// as it is.
std::string PercentDecode(absl::string_view text);
// The same, appended to `out` (whose capacity is reused).
void PercentDecodeTo(absl::string_view text, std::string& out);

// Calls `visit(name, raw_value)` for each parameter of a raw query string, in order, until it
// returns false. `name` is decoded; `raw_value` is not (PercentDecode it) and is empty for a
// parameter without '='.
void ForEachQueryParam(
    absl::string_view query,
    absl::FunctionRef<bool(absl::string_view name, absl::string_view raw_value)> visit);

// The decoded value of the first `key` parameter of a raw query string, or nullopt.
// `key` is compared with each parameter's decoded name.
std::optional<std::string> QueryParam(absl::string_view query, absl::string_view key);

// `target` for a log line: the value of every parameter whose decoded name is a secret's
// (`token`, in any case) replaced by REDACTED. Parameters are split at '&' and at ';' here,
// more widely than the routes split them, so that no spelling slips a secret through.
std::string RedactSecrets(absl::string_view target);

// The value of cookie `name` in a Cookie header ("a=1; tc_cid=XYZ"), or nullopt.
// Does not allocate.
std::optional<absl::string_view> FindCookie(absl::string_view header, absl::string_view name);

}  // namespace clicktrack::tracker
