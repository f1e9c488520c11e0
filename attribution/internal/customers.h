#pragma once

// SPEC §5.1: every identity of an event to one customer. Internal to the engine.

#include <optional>

#include "absl/status/statusor.h"

#include "attribution/engine.h"

namespace clicktrack::attribution::engine_internal {

struct ResolvedCustomer {
  // The customer after merges: the earliest-owned (else oldest) of those the identities name,
  // with the others' counts and LTV added; a new customer if the identities name nobody.
  CustomerState state;
  // The click the event's click_id names, if it is known (of any program).
  std::optional<AttributionView::FoundClick> explicit_click;
  // True when the customer is new here, and so has no clicks to look up.
  bool minted = false;
};

// Resolves the event's identities. Writes to make the result true (aliases of the merged
// customers, the customer_ref and email links) go into `decision`. kInvalidArgument when a
// merge would take the LTV past int64; the view's errors as they are.
absl::StatusOr<ResolvedCustomer> ResolveCustomer(const ConversionEvent& event,
                                                 AttributionView& view, IdSource& ids,
                                                 Decision& decision);

}  // namespace clicktrack::attribution::engine_internal
