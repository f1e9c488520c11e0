#include "attribution/customer_alias.h"

#include "attribution/base/status_macros.h"

namespace clicktrack::attribution {

absl::StatusOr<Ulid> SurvivingCustomer(Ulid id, FindAliasFn find_alias) {
  constexpr int kMaxAliasDepth = 16;
  for (int depth = 0; depth < kMaxAliasDepth; ++depth) {
    CLICKTRACK_ASSIGN_OR_RETURN(const std::optional<Ulid> next, find_alias(id));
    if (!next.has_value() || *next == id) {
      return id;
    }
    id = *next;
  }
  return id;
}

}  // namespace clicktrack::attribution
