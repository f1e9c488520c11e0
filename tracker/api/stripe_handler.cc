// Stripe webhooks (SPEC §4.5): a verified event becomes one decision of the committer, and
// its id is remembered with it, so a redelivered event changes nothing.

#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

#include "tracker/api/decision_notes.h"
#include "tracker/api/handlers.h"
#include "tracker/api/responses.h"
#include "tracker/codec/conversion_request.h"
#include "tracker/codec/stripe_event.h"
#include "tracker/codec/stripe_signature.h"
#include "tracker/common/metrics.h"

namespace clicktrack::tracker {
namespace {

using attribution::EventEffect;

// The answer Stripe gets: 200 whatever the outcome once the event is verified, since a retry
// of an event that failed for its content would fail again for three days.
HttpResponse Received(const StripeEvent& event, absl::string_view result,
                      boost::json::object details = {}) {
  LocalMetrics().ObserveStripeEvent(event.type, result);
  details["received"] = true;
  details["event_id"] = event.id;
  details["result"] = JsonText(result);
  return JsonResponse(200, details);
}

void Warn(const attribution::Program& program, const StripeEvent& event, std::string_view message,
          absl::string_view reason) {
  Log(LogLevel::kWarn, message,
      {{"program", JsonText(program.id)},
       {"event_id", JsonText(event.id)},
       {"event_type", JsonText(event.type)},
       {"reason", JsonText(reason)}});
}

// The committer's answer: the decision, or a rejection of its content (a refund over its
// order, an order id reused with another amount) as 200 with a warning; a failed write is an
// error, which Stripe retries.
void Answer(const attribution::Program& program, const StripeEvent& event, const Clock& clock,
            absl::StatusOr<attribution::Decision> decision, LaterResponse later) {
  if (!decision.ok()) {
    const absl::StatusCode code = decision.status().code();
    if (code != absl::StatusCode::kInvalidArgument && code != absl::StatusCode::kAlreadyExists) {
      LocalMetrics().ObserveStripeEvent(event.type, "error");
      std::move(later)(ErrorResponse(decision.status()));
      return;
    }
    Warn(program, event, "stripe event rejected", decision.status().message());
    std::move(later)(
        Received(event, "rejected", {{"reason", std::string(decision.status().message())}}));
    return;
  }
  LogNotes(program, *decision);
  boost::json::object details;
  if (decision->conversion.has_value() || decision->refund.has_value()) {
    details = EncodeDecision(*decision, program, clock.Now());
  }
  std::move(later)(Received(event, attribution::ResultName(decision->result), std::move(details)));
}

}  // namespace

DeferredReply StripeWebhook(const ApiContext& api, const Call& call) {
  absl::StatusOr<storage::ConfigStore::ProgramRef> found =
      api.config.GetProgram(call.Param("program"));
  if (!found.ok()) {
    return found.status();
  }
  const storage::ConfigStore::ProgramRef program = *std::move(found);
  if (program->stripe_webhook_secret.empty()) {
    return absl::InvalidArgumentError(
        "the program has no stripe_webhook_secret: set it with PUT /api/v1/programs/{program}");
  }
  const absl::Time now = api.clock.Now();
  const HttpRequest& request = call.request;
  if (absl::Status verified = VerifyStripeSignature(
          request.stripe_signature, program->stripe_webhook_secret, request.body, now);
      !verified.ok()) {
    return verified;
  }
  absl::StatusOr<StripeEvent> decoded = DecodeStripeEvent(request.body, now);
  if (!decoded.ok()) {
    return decoded.status();
  }
  StripeEvent event = *std::move(decoded);
  if (!event.problem.empty()) {
    Warn(*program, event, "stripe event cannot be used", event.problem);
    return Received(event, "ignored", {{"reason", event.problem}});
  }
  std::string result_override;
  if (!event.currency.empty() &&
      !absl::EqualsIgnoreCase(event.currency, program->currency.Code())) {
    const std::string reason = absl::StrCat("currency ", absl::AsciiStrToUpper(event.currency),
                                            " is not the program's ", program->currency.Code());
    Warn(*program, event, "stripe event rejected", reason);
    event.conversion =
        attribution::ConversionEvent{.effect = EventEffect::kNone, .source_event_id = event.id};
    result_override = "rejected";
  }
  attribution::ConversionEvent conversion = event.conversion;
  api.committer.SubmitConversion(
      program->id, std::move(conversion),
      [later = call.defer(), program, event = std::move(event), result_override,
       &clock = api.clock](absl::StatusOr<attribution::Decision> decision) mutable {
        if (!result_override.empty() && decision.ok() &&
            decision->result != attribution::Result::kDuplicate) {
          std::move(later)(Received(event, result_override));
          return;
        }
        Answer(*program, event, clock, std::move(decision), std::move(later));
      });
  return std::nullopt;
}

}  // namespace clicktrack::tracker
