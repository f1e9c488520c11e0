#include "tracker/codec/strict_query.h"

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

#include "attribution/base/utf8.h"
#include "tracker/common/query_string.h"

namespace clicktrack::tracker {

absl::Status ValidateQuery(absl::string_view query) {
  return ForEachValidQueryParam(query, [](absl::string_view, absl::string_view) {});
}

absl::Status ForEachValidQueryParam(
    absl::string_view query,
    absl::FunctionRef<void(absl::string_view name, absl::string_view value)> visit) {
  absl::flat_hash_set<std::string> seen;
  std::string value;
  absl::Status status;
  ForEachQueryParam(query, [&](absl::string_view name, absl::string_view raw_value) {
    if (!base::IsValidUtf8(name)) {
      status = absl::InvalidArgumentError("query parameter names must be valid UTF-8");
      return false;
    }
    if (!seen.emplace(name).second) {
      status = absl::InvalidArgumentError(absl::StrCat(name, ": given twice"));
      return false;
    }
    value.clear();
    PercentDecodeTo(raw_value, value);
    if (!base::IsValidUtf8(value)) {
      status = absl::InvalidArgumentError(absl::StrCat(name, ": must be valid UTF-8"));
      return false;
    }
    visit(name, value);
    return true;
  });
  return status;
}

}  // namespace clicktrack::tracker
