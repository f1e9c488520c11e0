// Programs and partners (SPEC §4.1).

#include "absl/strings/str_cat.h"
#include "boost/json/array.hpp"

#include "tracker/api/handlers.h"
#include "tracker/api/responses.h"
#include "tracker/codec/admin_json.h"
#include "tracker/codec/json_parse.h"
#include "tracker/codec/url_validation.h"

namespace clicktrack::tracker {
namespace {

// RFC 7396 JSON merge patch: each member of `patch` replaces target's, objects merge member by
// member, and null removes the member.
void MergePatch(boost::json::object& target, const boost::json::object& patch) {
  for (const auto& [key, value] : patch) {
    if (value.is_null()) {
      target.erase(key);
    } else if (value.is_object() && target.contains(key) && target.at(key).is_object()) {
      MergePatch(target.at(key).as_object(), value.as_object());
    } else {
      target[key] = value;
    }
  }
}

// Stores `program` (created now, or replacing the one with its id) and answers with it.
absl::StatusOr<HttpResponse> StoreProgram(const ApiContext& api, attribution::Program program) {
  const absl::Time now = api.clock.Now();
  const absl::StatusOr<storage::ConfigStore::ProgramRef> existing =
      api.config.GetProgram(program.id);
  program.created_at = existing.ok() ? (*existing)->created_at : now;
  program.updated_at = now;
  if (absl::Status status = api.config.PutProgram(program); !status.ok()) {
    return status;
  }
  return JsonResponse(200, EncodeProgram(program));
}

}  // namespace

absl::StatusOr<HttpResponse> PutProgram(const ApiContext& api, const Call& call) {
  const absl::string_view program_id = call.Param("program");
  const absl::string_view body = call.request.body;
  absl::StatusOr<boost::json::object> object = ParseJsonObject(body);
  if (!object.ok()) {
    return object.status();
  }
  absl::StatusOr<attribution::Program> program = DecodeProgram(*object, program_id);
  if (!program.ok()) {
    return program.status();
  }
  return StoreProgram(api, *std::move(program));
}

// The settings form's save (docs/dashboard.md): the stored program, secrets included, with the
// body merged in (RFC 7396), checked as a PUT of the whole would be.
absl::StatusOr<HttpResponse> PatchProgram(const ApiContext& api, const Call& call) {
  const absl::StatusOr<storage::ConfigStore::ProgramRef> found =
      api.config.GetProgram(call.Param("program"));
  if (!found.ok()) {
    return found.status();
  }
  const attribution::Program& stored = **found;
  absl::StatusOr<boost::json::object> patch = ParseJsonObject(call.request.body);
  if (!patch.ok()) {
    return patch.status();
  }
  boost::json::object merged = EncodeProgram(stored);
  merged["postback_secret"] = stored.postback_secret;
  merged["stripe_webhook_secret"] = stored.stripe_webhook_secret;
  MergePatch(merged, *patch);
  absl::StatusOr<attribution::Program> program = DecodeProgram(merged, stored.id);
  if (!program.ok()) {
    return program.status();
  }
  return StoreProgram(api, *std::move(program));
}

absl::StatusOr<HttpResponse> GetProgram(const ApiContext& api, const Call& call) {
  const absl::string_view program_id = call.Param("program");
  const absl::StatusOr<storage::ConfigStore::ProgramRef> program =
      api.config.GetProgram(program_id);
  if (!program.ok()) {
    return program.status();
  }
  return JsonResponse(200, EncodeProgram(**program));
}

absl::StatusOr<HttpResponse> PutPartner(const ApiContext& api, const Call& call) {
  const attribution::Program& program = *call.program;
  const absl::string_view partner_id = call.Param("partner");
  const absl::string_view body = call.request.body;
  absl::StatusOr<boost::json::object> object = ParseJsonObject(body);
  if (!object.ok()) {
    return object.status();
  }
  absl::StatusOr<PartnerInput> input = DecodePartner(*object, program, partner_id);
  if (!input.ok()) {
    return input.status();
  }
  if (absl::Status status = ValidatePostbackUrl(
          "postback_url", input->partner.postback_url,
          api.options.block_private_postbacks ? PrivateHosts::kRefused : PrivateHosts::kAllowed);
      !status.ok()) {
    return status;
  }
  // A replace without joined_at keeps the original date: segments count from it.
  const absl::StatusOr<storage::ConfigStore::PartnerRef> existing =
      api.config.GetPartner(program.id, partner_id);
  input->partner.joined_at = input->joined_at.has_value() ? *input->joined_at
                             : existing.ok()              ? (*existing)->joined_at
                                                          : api.clock.Now();
  if (absl::Status status = api.config.PutPartner(input->partner); !status.ok()) {
    return status;
  }
  return JsonResponse(200, EncodePartner(input->partner, program.currency));
}

absl::StatusOr<HttpResponse> GetPartner(const ApiContext& api, const Call& call) {
  const attribution::Program& program = *call.program;
  const absl::string_view partner_id = call.Param("partner");
  const absl::StatusOr<storage::ConfigStore::PartnerRef> partner =
      api.config.GetPartner(program.id, partner_id);
  if (!partner.ok()) {
    return partner.status();
  }
  return JsonResponse(200, EncodePartner(**partner, program.currency));
}

absl::StatusOr<HttpResponse> ListPartners(const ApiContext& api, const Call& call) {
  const attribution::Program& program = *call.program;
  boost::json::array partners;
  for (const attribution::Partner& partner : api.config.ListPartners(program.id)) {
    partners.emplace_back(EncodePartner(partner, program.currency));
  }
  return JsonResponse(200, {{"partners", std::move(partners)}});
}

}  // namespace clicktrack::tracker
