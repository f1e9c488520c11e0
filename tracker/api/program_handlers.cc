// Programs and partners (SPEC §4.1).

#include "absl/strings/str_cat.h"
#include "boost/json/array.hpp"

#include "tracker/api/handlers.h"
#include "tracker/api/responses.h"
#include "tracker/codec/admin_json.h"
#include "tracker/codec/json_parse.h"
#include "tracker/codec/url_validation.h"

namespace clicktrack::tracker {

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
  const absl::Time now = api.clock.Now();
  const absl::StatusOr<storage::ConfigStore::ProgramRef> existing =
      api.config.GetProgram(program_id);
  program->created_at = existing.ok() ? (*existing)->created_at : now;
  program->updated_at = now;
  if (absl::Status status = api.config.PutProgram(*program); !status.ok()) {
    return status;
  }
  return JsonResponse(200, EncodeProgram(*program));
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
