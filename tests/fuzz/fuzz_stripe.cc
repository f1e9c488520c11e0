// libFuzzer target: Stripe webhooks. The input is a Stripe-Signature header and a body,
// split at the first newline: the signature check, the event's decoding, and the engine
// deciding what the event asks (twice, the second a redelivery) must never crash.
#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

#include "attribution/engine.h"
#include "attribution/money.h"
#include "attribution/testing/in_memory_view.h"
#include "tracker/codec/stripe_event.h"
#include "tracker/codec/stripe_signature.h"

namespace ct = clicktrack;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  const absl::string_view header = input.substr(0, newline);
  const absl::string_view body =
      newline == absl::string_view::npos ? input : input.substr(newline + 1);
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  (void)ct::tracker::VerifyStripeSignature(header, "whsec_fuzz", body, now);
  const absl::StatusOr<ct::tracker::StripeEvent> event = ct::tracker::DecodeStripeEvent(body, now);
  if (!event.ok()) {
    return 0;
  }
  ct::attribution::Program program;
  program.id = "acme";
  program.currency = *ct::attribution::FindCurrency("USD");
  program.commission.rules.first_sale = ct::attribution::CommissionRule{.fixed_minor = 100};
  ct::attribution::InMemoryView view("acme");
  ct::attribution::SequentialIds ids;
  for (int delivery = 0; delivery < 2; ++delivery) {
    absl::StatusOr<ct::attribution::Decision> decision =
        ct::attribution::Attribute(program, event->conversion, view, ids);
    if (decision.ok()) {
      view.Apply(*decision);
    }
  }
  return 0;
}
