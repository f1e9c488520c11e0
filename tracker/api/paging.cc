#include "tracker/api/paging.h"

#include <algorithm>
#include <string>

#include "absl/strings/numbers.h"

#include "tracker/common/query_string.h"

namespace clicktrack::tracker {

constexpr size_t kMaxPageSize = 500;

absl::StatusOr<PageRequest> ParsePageRequest(absl::string_view query) {
  PageRequest page;
  if (std::optional<std::string> text = QueryParam(query, "limit")) {
    if (!absl::SimpleAtoi(*text, &page.limit) || page.limit == 0) {
      return absl::InvalidArgumentError("limit: must be a whole number from 1");
    }
    page.limit = std::min(page.limit, kMaxPageSize);
  }
  if (std::optional<std::string> text = QueryParam(query, "cursor")) {
    page.cursor = attribution::Ulid::FromText(*text);
    if (!page.cursor.has_value()) {
      return absl::InvalidArgumentError("cursor: must be a next_cursor of this route");
    }
  }
  return page;
}

}  // namespace clicktrack::tracker
