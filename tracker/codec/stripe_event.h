#pragma once

// SPEC §4.5: a Stripe webhook event, in the old (before 2025-03-31) or the new API shape,
// turned into what clicktrack does with it: one attribution::ConversionEvent.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

#include "attribution/conversion.h"

namespace clicktrack::tracker {

struct StripeEvent {
  std::string id;    // evt_…
  std::string type;  // "invoice.paid", …
  // What the event does, with `source_event_id` = `id`. Effect kNone: only remembered.
  attribution::ConversionEvent conversion;
  // The currency of the amounts moved, lower case as Stripe sends it; "" when none move.
  std::string currency;
  // Why a known event does nothing ("payment_status is unpaid"), or "" when it does something.
  std::string note;
  // A field the mapping needs is missing or has the wrong type ("data.object.amount_paid: is
  // missing"): the event can never succeed, so it is answered 200 and nothing is stored.
  std::string problem;
};

// Decodes a verified webhook body at `now`. The event's time is its `created` (now when absent
// or in the future). kInvalidArgument when the body is not a JSON object with string `id` and
// `type` and an object `data.object`; every other flaw is `problem`.
absl::StatusOr<StripeEvent> DecodeStripeEvent(absl::string_view body, absl::Time now);

}  // namespace clicktrack::tracker
