// Partner links (SPEC §4.1).

#include "absl/strings/str_cat.h"
#include "boost/json/array.hpp"

#include "tracker/api/handlers.h"
#include "tracker/api/responses.h"
#include "tracker/codec/admin_json.h"
#include "tracker/codec/json_parse.h"
#include "tracker/codec/url_validation.h"

namespace clicktrack::tracker {
namespace {

// Attempts at a fresh random code before giving up (a collision at 62^8 is a freak event).
constexpr int kLinkCodeAttempts = 5;

}  // namespace

absl::StatusOr<HttpResponse> CreateLink(const ApiContext& api, const Call& call) {
  const attribution::Program& program = *call.program;
  const absl::string_view body = call.request.body;
  absl::StatusOr<boost::json::object> object = ParseJsonObject(body);
  if (!object.ok()) {
    return object.status();
  }
  absl::StatusOr<LinkInput> input = DecodeLinkInput(*object);
  if (!input.ok()) {
    return input.status();
  }
  if (absl::Status status =
          ValidateDestination("destination", input->destination, program.allowed_hosts);
      !status.ok()) {
    return status;
  }
  attribution::Link link{.program_id = program.id,
                         .partner_id = input->partner_id,
                         .destination = input->destination,
                         .active = true,
                         .created_at = api.clock.Now()};
  absl::Status status;
  for (int attempt = 0; attempt < kLinkCodeAttempts; ++attempt) {
    link.code = input->code.has_value() ? *input->code : api.ids.NewLinkCode();
    status = api.config.CreateLink(link);
    if (status.code() != absl::StatusCode::kAlreadyExists || input->code.has_value()) {
      break;
    }
  }
  if (!status.ok()) {
    return status;
  }
  return JsonResponse(201, EncodeLink(link, api.options.public_url));
}

absl::StatusOr<HttpResponse> GetLink(const ApiContext& api, const Call& call) {
  const attribution::Program& program = *call.program;
  const absl::string_view code = call.Param("code");
  const absl::StatusOr<attribution::Link> link = api.config.GetLink(program.id, code);
  if (!link.ok()) {
    return link.status();
  }
  return JsonResponse(200, EncodeLink(*link, api.options.public_url));
}

absl::StatusOr<HttpResponse> PatchLink(const ApiContext& api, const Call& call) {
  const attribution::Program& program = *call.program;
  const absl::string_view code = call.Param("code");
  const absl::string_view body = call.request.body;
  absl::StatusOr<boost::json::object> object = ParseJsonObject(body);
  if (!object.ok()) {
    return object.status();
  }
  absl::StatusOr<LinkPatch> patch = DecodeLinkPatch(*object);
  if (!patch.ok()) {
    return patch.status();
  }
  absl::StatusOr<attribution::Link> link = api.config.GetLink(program.id, code);
  if (!link.ok()) {
    return link.status();
  }
  if (patch->destination.has_value()) {
    if (absl::Status status =
            ValidateDestination("destination", *patch->destination, program.allowed_hosts);
        !status.ok()) {
      return status;
    }
    link->destination = *patch->destination;
  }
  if (patch->active.has_value()) {
    link->active = *patch->active;
  }
  if (absl::Status status = api.config.UpdateLink(*link); !status.ok()) {
    return status;
  }
  return JsonResponse(200, EncodeLink(*link, api.options.public_url));
}

absl::StatusOr<HttpResponse> ListPartnerLinks(const ApiContext& api, const Call& call) {
  const attribution::Program& program = *call.program;
  const absl::string_view partner_id = call.Param("partner");
  if (absl::Status found = api.config.GetPartner(program.id, partner_id).status(); !found.ok()) {
    return found;
  }
  boost::json::array links;
  for (const attribution::Link& link : api.config.ListLinks(program.id, partner_id)) {
    links.emplace_back(EncodeLink(link, api.options.public_url));
  }
  return JsonResponse(200, {{"links", std::move(links)}});
}

}  // namespace clicktrack::tracker
