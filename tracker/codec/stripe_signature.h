#pragma once

// SPEC §4.5: the Stripe-Signature header of a webhook.

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace clicktrack::tracker {

// Stripe signs "<t>.<raw body>" with HMAC-SHA256 and the endpoint's secret:
// `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…][,v0=<hex>]`. Any v1 may match (two
// appear while a secret rolls); v0 and unknown keys are ignored; a signature older than
// `tolerance` at `now` is refused (a newer one is not: clocks differ). kInvalidArgument naming
// Stripe-Signature and the reason otherwise.
absl::Status VerifyStripeSignature(absl::string_view header, absl::string_view secret,
                                   absl::string_view body, absl::Time now,
                                   absl::Duration tolerance = absl::Seconds(300));

}  // namespace clicktrack::tracker
