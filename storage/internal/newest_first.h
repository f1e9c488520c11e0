#pragma once

// Pages of records keyed by a prefix and a ULID (time-ordered), read newest first: the
// ledger and the postback deliveries.

#include <optional>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rocksdb/db.h"

#include "attribution/ids.h"

namespace clicktrack::storage_internal {

// Calls `visit(id, value)` for each key of `family` that is `prefix` followed by a ULID,
// newest first, starting below `before` when given, until `visit` returns false. Keys under
// the prefix whose rest is not a ULID are skipped.
absl::Status VisitNewestFirst(
    rocksdb::DB& db, rocksdb::ColumnFamilyHandle* family, absl::string_view prefix,
    std::optional<attribution::Ulid> before,
    absl::FunctionRef<bool(const attribution::Ulid&, absl::string_view)> visit);

}  // namespace clicktrack::storage_internal
