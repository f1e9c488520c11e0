// Server-to-server postbacks (SPEC §4.4): a signed JSON body or a token in the query.

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

#include "tracker/api/decision_notes.h"
#include "tracker/api/handlers.h"
#include "tracker/api/responses.h"
#include "tracker/codec/conversion_request.h"
#include "tracker/codec/hmac.h"
#include "tracker/codec/json_parse.h"
#include "tracker/common/query_string.h"

namespace clicktrack::tracker {
namespace {

// Checks "sha256=<hex HMAC-SHA256(secret, body)>", in constant time.
bool SignatureMatches(absl::string_view header, absl::string_view secret, absl::string_view body) {
  return absl::StartsWithIgnoreCase(header, "sha256=") &&
         ConstantTimeEquals(absl::AsciiStrToLower(header.substr(7)), HmacSha256Hex(secret, body));
}

}  // namespace

absl::StatusOr<std::optional<HttpResponse>> Postback(const ApiContext& api, const Call& call) {
  const HttpRequest& request = call.request;
  const absl::string_view query = call.query;
  // Checks in SPEC §4.4's order: program (404), signature or token (401), then the fields
  // (400), so that nobody learns how a program checks its fields without its secret.
  const bool signed_body = request.method == Method::kPost;
  std::optional<boost::json::object> body;
  std::string program_id;
  if (signed_body) {
    absl::StatusOr<boost::json::object> parsed = ParseJsonObjectKeepingLastKey(request.body);
    if (!parsed.ok()) {
      return parsed.status();
    }
    body = *std::move(parsed);
    if (const boost::json::value* value = body->if_contains("program");
        value != nullptr && value->is_string()) {
      program_id = value->get_string();
    }
  } else {
    program_id = QueryParam(query, "program").value_or("");
  }
  if (program_id.empty()) {
    return absl::InvalidArgumentError("program: is required (a string)");
  }
  absl::StatusOr<storage::ConfigStore::ProgramRef> found = api.config.GetProgram(program_id);
  if (!found.ok()) {
    return found.status();
  }
  const storage::ConfigStore::ProgramRef program = *std::move(found);
  if (program->postback_secret.empty()) {
    return absl::UnauthenticatedError("the program has no postback_secret");
  }
  if (signed_body) {
    if (!SignatureMatches(request.x_signature, program->postback_secret, request.body)) {
      return absl::UnauthenticatedError(
          "X-Signature must be sha256=<hex HMAC-SHA256 of the raw body with the postback_secret>");
    }
  } else if (!ConstantTimeEquals(QueryParam(query, "token").value_or(""),
                                 program->postback_secret)) {
    return absl::UnauthenticatedError("token must be the program's postback_secret");
  }

  absl::StatusOr<ConversionFields> fields =
      signed_body ? FieldsFromJsonBody(request.body, *body) : FieldsFromStrictQuery(query);
  if (!fields.ok()) {
    return fields.status();
  }
  const absl::Time now = api.clock.Now();
  absl::StatusOr<attribution::ConversionEvent> event =
      BuildConversionEvent(*fields, *program, ConversionSource::kPostback, now, std::nullopt);
  if (!event.ok()) {
    return event.status();
  }
  api.committer.SubmitConversion(program->id, *std::move(event),
                                 [later = call.defer(), program, &clock = api.clock](
                                     absl::StatusOr<attribution::Decision> decision) mutable {
                                   if (!decision.ok()) {
                                     std::move(later)(ErrorResponse(decision.status()));
                                     return;
                                   }
                                   LogNotes(*program, *decision);
                                   HttpResponse response = JsonResponse(
                                       decision->result == attribution::Result::kQueued ? 202 : 200,
                                       EncodeDecision(*decision, *program, clock.Now()));
                                   std::move(later)(std::move(response));
                                 });
  return std::nullopt;
}

}  // namespace clicktrack::tracker
