#pragma once

// The paging of the API's lists: `limit` (default 50, at most 500) and `cursor` (the
// next_cursor of the previous page).

#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

#include "attribution/ids.h"

namespace clicktrack::tracker {

struct PageRequest {
  size_t limit = 50;
  std::optional<attribution::Ulid> cursor;
};

// kInvalidArgument naming `limit` or `cursor` when either is malformed.
absl::StatusOr<PageRequest> ParsePageRequest(absl::string_view query);

}  // namespace clicktrack::tracker
