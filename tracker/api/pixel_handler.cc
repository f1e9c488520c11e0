// The conversion pixel (SPEC §4.3): validates, hands the event to the committer and answers a
// GIF once the event is durable.

#include "absl/strings/str_cat.h"

#include "tracker/api/decision_notes.h"
#include "tracker/api/handlers.h"
#include "tracker/api/responses.h"
#include "tracker/codec/conversion_request.h"
#include "tracker/common/query_string.h"

namespace clicktrack::tracker {
namespace {

// The 43-byte transparent 1×1 GIF.
constexpr unsigned char kGif[] = {0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80,
                                  0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x21, 0xF9, 0x04,
                                  0x01, 0x00, 0x00, 0x00, 0x00, 0x2C, 0x00, 0x00, 0x00, 0x00, 0x01,
                                  0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B};
static_assert(sizeof(kGif) == 43);

constexpr absl::string_view kResultHeader = "X-Tracker-Result";

HttpResponse PixelResponse(absl::string_view result) {
  HttpResponse response;
  response.status = 200;
  response.content_type = "image/gif";
  response.body.assign(reinterpret_cast<const char*>(kGif), sizeof(kGif));
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back(kResultHeader, std::string(result));
  return response;
}

HttpResponse PixelRejected(const absl::Status& status) {
  HttpResponse response = ErrorResponse(status);
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back(kResultHeader, "rejected");
  return response;
}

}  // namespace

absl::StatusOr<std::optional<HttpResponse>> Pixel(const ApiContext& api, const Call& call) {
  const HttpRequest& request = call.request;
  const absl::string_view query = call.query;
  absl::StatusOr<ConversionFields> parsed = FieldsFromStrictQuery(query);
  if (!parsed.ok()) {
    return PixelRejected(parsed.status());
  }
  const ConversionFields& fields = *parsed;
  const auto program_field = fields.find("program");
  if (program_field == fields.end() || program_field->second.empty()) {
    return PixelRejected(absl::InvalidArgumentError("program: is required"));
  }
  absl::StatusOr<storage::ConfigStore::ProgramRef> found =
      api.config.GetProgram(program_field->second);
  if (!found.ok()) {
    return PixelRejected(found.status());
  }
  const storage::ConfigStore::ProgramRef program = *std::move(found);
  if (!program->pixel) {
    return PixelRejected(absl::PermissionDeniedError(
        "the pixel is disabled for this program; send server-to-server postbacks"));
  }
  absl::StatusOr<attribution::ConversionEvent> event =
      BuildConversionEvent(fields, *program, ConversionSource::kPixel, api.clock.Now(),
                           FindCookie(request.cookie, kCustomerCookie));
  if (!event.ok()) {
    return PixelRejected(event.status());
  }
  api.committer.SubmitConversion(
      program->id, *std::move(event),
      [later = call.defer(), program](absl::StatusOr<attribution::Decision> decision) mutable {
        if (!decision.ok()) {
          std::move(later)(PixelRejected(decision.status()));
          return;
        }
        LogNotes(*program, *decision);
        std::move(later)(PixelResponse(attribution::ResultName(decision->result)));
      });
  return std::nullopt;
}

}  // namespace clicktrack::tracker
