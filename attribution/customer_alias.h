#pragma once

// SPEC §5.1: a merged customer's id stays an alias of the customer it was merged into. The one
// walk from any id to the surviving customer, for the engine and for the store's reads.

#include <optional>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"

#include "attribution/ids.h"

namespace clicktrack::attribution {

// The customer id that `id` was merged into, if any: one step of the walk.
using FindAliasFn = absl::FunctionRef<absl::StatusOr<std::optional<Ulid>>(const Ulid&)>;

// Follows aliases from `id` to the surviving customer (`id` itself when it was never merged).
// A merge points every merged id straight at the survivor, so chains are short; a cycle in
// corrupt data stops after 16 steps. Errors are find_alias's.
absl::StatusOr<Ulid> SurvivingCustomer(Ulid id, FindAliasFn find_alias);

}  // namespace clicktrack::attribution
