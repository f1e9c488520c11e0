#pragma once

// SPEC §5.9, refunds: applied to their order, or queued until it arrives. Internal to the engine.

#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

#include "attribution/engine.h"

namespace clicktrack::attribution::engine_internal {

// Decides a refund event (event.status is kRefunded): a duplicate, a conflict (409), a refund
// queued for an order not seen yet, or a reversal of part of the order's commission.
absl::StatusOr<Decision> AttributeRefund(const Program& program, const ConversionEvent& event,
                                         AttributionView& view, IdSource& ids);

// Applies the refunds queued for `conversion`'s order or under one of `refs` (its payment
// references), oldest first, each capped at what is left of the order (a note says what a cap
// dropped); updates `customer`'s LTV. `now` dates the reversals.
absl::Status ApplyQueuedRefunds(AttributionView& view, IdSource& ids,
                                absl::Span<const std::string> refs, absl::Time now,
                                Conversion& conversion, CustomerState& customer,
                                Decision& decision);

}  // namespace clicktrack::attribution::engine_internal
