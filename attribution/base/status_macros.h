#pragma once

// Early-return helpers for absl::Status / absl::StatusOr, as Abseil 20220623 has none.

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define CLICKTRACK_INTERNAL_CONCAT_INNER(a, b) a##b
#define CLICKTRACK_INTERNAL_CONCAT(a, b) CLICKTRACK_INTERNAL_CONCAT_INNER(a, b)

// Evaluates `expr` (an absl::Status) and returns it from the enclosing function if not OK.
#define CLICKTRACK_RETURN_IF_ERROR(expr)                                      \
  do {                                                                        \
    if (absl::Status clicktrack_status_ = (expr); !clicktrack_status_.ok()) { \
      return clicktrack_status_;                                              \
    }                                                                         \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status, else moves the
// value into `lhs`, which may be a declaration: CLICKTRACK_ASSIGN_OR_RETURN(auto x, F());
#define CLICKTRACK_ASSIGN_OR_RETURN(lhs, rexpr)                                                    \
  CLICKTRACK_INTERNAL_ASSIGN_OR_RETURN(CLICKTRACK_INTERNAL_CONCAT(clicktrack_statusor_, __LINE__), \
                                       lhs, rexpr)

#define CLICKTRACK_INTERNAL_ASSIGN_OR_RETURN(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                         \
  if (!statusor.ok()) {                                            \
    return std::move(statusor).status();                           \
  }                                                                \
  lhs = *std::move(statusor)
