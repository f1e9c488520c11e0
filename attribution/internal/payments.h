#pragma once

// SPEC §4.5: a payment system's references to an order (payment intents, charges, invoices),
// by which its refunds and links find the order. Internal to the engine.

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

#include "attribution/engine.h"

namespace clicktrack::attribution::engine_internal {

// The order that `order_id` or, failing that, one of `refs` names, tried in order: each as an
// order id, then as a reference linked to an order. nullopt if none does.
absl::StatusOr<std::optional<Conversion>> FindOrderByRefs(absl::string_view order_id,
                                                          absl::Span<const std::string> refs,
                                                          AttributionView& view);

// Links each of `event.payment_refs` to the order `event.order_id`. Refunds queued under those
// references are applied to the order if it is known, else queued for it as well.
absl::StatusOr<Decision> LinkPayment(const Program& program, const ConversionEvent& event,
                                     AttributionView& view, IdSource& ids);

}  // namespace clicktrack::attribution::engine_internal
