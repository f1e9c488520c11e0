// Who is calling, and partner tokens (docs/dashboard.md): the merchant makes a token for a
// partner (shown once; only its SHA-256 is kept), lists and revokes them; a caller asks who it
// is (the dashboard's and the portal's sign-in); the admin lists the programs.

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "boost/json/array.hpp"

#include "attribution/base/status_macros.h"
#include "tracker/api/access.h"
#include "tracker/api/handlers.h"
#include "tracker/api/responses.h"
#include "tracker/codec/admin_json.h"
#include "tracker/codec/hmac.h"
#include "tracker/codec/json_fields.h"
#include "tracker/codec/json_parse.h"
#include "tracker/common/json_text.h"

namespace clicktrack::tracker {
namespace {

constexpr size_t kMaxLabelBytes = 100;
constexpr absl::Duration kMaxTokenLifetime = absl::Hours(24 * 3660);

boost::json::value TimeOrNull(const std::optional<absl::Time>& time) {
  return time ? boost::json::value(FormatTimestamp(*time)) : boost::json::value(nullptr);
}

boost::json::object EncodeToken(const storage::PartnerToken& token, absl::Time now) {
  return boost::json::object{
      {"id", token.id},
      {"program_id", token.program_id},
      {"partner_id", token.partner_id},
      {"label", token.label},
      {"created_at", FormatTimestamp(token.created_at)},
      {"expires_at", TimeOrNull(token.expires_at)},
      {"expired", token.expires_at.has_value() && *token.expires_at <= now},
  };
}

// {"label": "…", "expires_in": "720h"}, both optional, on the partner the path names.
absl::StatusOr<storage::PartnerToken> DecodeTokenOrder(const Call& call, absl::Time now) {
  CLICKTRACK_ASSIGN_OR_RETURN(const boost::json::object body, ParseJsonObject(call.request.body));
  const Fields fields(body, "");
  CLICKTRACK_ASSIGN_OR_RETURN(const std::optional<std::string> label, fields.String("label"));
  CLICKTRACK_ASSIGN_OR_RETURN(const std::optional<absl::Duration> lifetime,
                              fields.Duration("expires_in"));
  if (label && label->size() > kMaxLabelBytes) {
    return absl::InvalidArgumentError("label: at most 100 bytes");
  }
  if (lifetime && (*lifetime <= absl::ZeroDuration() || *lifetime > kMaxTokenLifetime)) {
    return absl::InvalidArgumentError(
        "expires_in: must be more than 0 and at most 87840h (ten years); omit it for a token "
        "that lasts until revoked");
  }
  storage::PartnerToken token{.id = NewPartnerTokenId(),
                              .program_id = call.program->id,
                              .partner_id = std::string(call.Param("partner")),
                              .label = label.value_or(""),
                              .created_at = now};
  if (lifetime) {
    token.expires_at = now + *lifetime;
  }
  return token;
}

}  // namespace

Reply CreatePartnerToken(const ApiContext& api, const Call& call) {
  const absl::Time now = api.clock.Now();
  CLICKTRACK_ASSIGN_OR_RETURN(storage::PartnerToken token, DecodeTokenOrder(call, now));
  const std::string secret = NewPartnerTokenSecret();
  token.digest = Sha256(secret);
  CLICKTRACK_RETURN_IF_ERROR(api.config.CreatePartnerToken(token));
  boost::json::object out = EncodeToken(token, now);
  out["token"] = secret;  // shown this once
  HttpResponse response = JsonResponse(201, out);
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

Reply ListPartnerTokens(const ApiContext& api, const Call& call) {
  const attribution::Program& program = *call.program;
  const absl::string_view partner_id = call.Param("partner");
  CLICKTRACK_RETURN_IF_ERROR(api.config.GetPartner(program.id, partner_id).status());
  const absl::Time now = api.clock.Now();
  boost::json::array tokens;
  for (const storage::PartnerToken& token : api.config.ListPartnerTokens(program.id, partner_id)) {
    tokens.emplace_back(EncodeToken(token, now));
  }
  return JsonResponse(200, {{"tokens", std::move(tokens)}});
}

Reply RevokePartnerToken(const ApiContext& api, const Call& call) {
  CLICKTRACK_RETURN_IF_ERROR(
      api.config.RevokePartnerToken(call.program->id, call.Param("partner"), call.Param("token")));
  HttpResponse response;
  response.status = 204;
  return response;
}

Reply WhoAmI(const ApiContext& api, const Call& call) {
  CLICKTRACK_ASSIGN_OR_RETURN(const Caller caller, Authenticate(api, call.request.authorization));
  if (caller.admin) {
    return JsonResponse(200, {{"role", "admin"}});
  }
  const storage::PartnerToken& token = *caller.partner;
  CLICKTRACK_ASSIGN_OR_RETURN(const storage::ConfigStore::ProgramRef program,
                              api.config.GetProgram(token.program_id));
  CLICKTRACK_ASSIGN_OR_RETURN(const storage::ConfigStore::PartnerRef partner,
                              api.config.GetPartner(token.program_id, token.partner_id));
  return JsonResponse(
      200, {{"role", "partner"},
            {"program",
             {{"id", program->id},
              {"name", program->name},
              {"currency", std::string(program->currency.Code())}}},
            {"partner", {{"id", partner->id}, {"name", partner->name}}},
            {"token", {{"id", token.id}, {"expires_at", TimeOrNull(token.expires_at)}}}});
}

Reply ListPrograms(const ApiContext& api, const Call& call) {
  CLICKTRACK_RETURN_IF_ERROR(RequireAdmin(api, call.request.authorization));
  boost::json::array programs;
  for (const storage::ConfigStore::ProgramRef& program : api.config.ListPrograms()) {
    programs.emplace_back(EncodeProgram(*program));
  }
  return JsonResponse(200, {{"programs", std::move(programs)}});
}

}  // namespace clicktrack::tracker
