// The conversion routes (SPEC §4.3, §4.4): members of Router. They validate, hand the event
// to the store's committer and answer once it is durable.

#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "boost/json/serialize.hpp"
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "attribution/ids.h"
#include "tracker/codec/admin_json.h"
#include "tracker/codec/conversion_request.h"
#include "tracker/common/log.h"
#include "tracker/common/query_string.h"
#include "tracker/router.h"
#include "tracker/status_mapping.h"

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

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// Checks "sha256=<hex HMAC-SHA256(secret, body)>", in constant time.
bool SignatureMatches(absl::string_view header, absl::string_view secret, absl::string_view body) {
  if (!absl::StartsWithIgnoreCase(header, "sha256=")) {
    return false;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac;
  unsigned int mac_size = 0;
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac.data(),
           &mac_size) == nullptr) {
    return false;
  }
  const std::string expected = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(mac.data()), mac_size));
  return ConstantTimeEquals(absl::AsciiStrToLower(header.substr(7)), expected);
}

void LogNotes(const attribution::Program& program, const attribution::Decision& decision) {
  for (const std::string& note : decision.notes) {
    Log(LogLevel::kWarn, note, {{"program", JsonText(program.id)}});
  }
}

}  // namespace

std::optional<HttpResponse> Router::Pixel(const HttpRequest& request, absl::string_view query,
                                          absl::FunctionRef<LaterResponse()> defer) {
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
      store_.config().GetProgram(program_field->second);
  if (!found.ok()) {
    return PixelRejected(found.status());
  }
  const storage::ConfigStore::ProgramRef program = *std::move(found);
  if (!program->pixel) {
    return PixelRejected(absl::PermissionDeniedError(
        "the pixel is disabled for this program; send server-to-server postbacks"));
  }
  absl::StatusOr<attribution::ConversionEvent> event =
      BuildConversionEvent(fields, *program, ConversionSource::kPixel, clock_.Now(),
                           FindCookie(request.cookie, kCustomerCookie));
  if (!event.ok()) {
    return PixelRejected(event.status());
  }
  store_.committer().SubmitConversion(
      program->id, *std::move(event),
      [later = defer(), program](absl::StatusOr<attribution::Decision> decision) mutable {
        if (!decision.ok()) {
          std::move(later)(PixelRejected(decision.status()));
          return;
        }
        LogNotes(*program, *decision);
        std::move(later)(PixelResponse(attribution::ResultName(decision->result)));
      });
  return std::nullopt;
}

std::optional<HttpResponse> Router::Postback(const HttpRequest& request, absl::string_view query,
                                             absl::FunctionRef<LaterResponse()> defer) {
  // Checks in SPEC §4.4's order: program (404), signature or token (401), then the fields
  // (400), so that nobody learns how a program checks its fields without its secret.
  const bool signed_body = request.method == Method::kPost;
  std::optional<boost::json::object> body;
  std::string program_id;
  if (signed_body) {
    absl::StatusOr<boost::json::object> parsed = ParseJsonObjectKeepingLastKey(request.body);
    if (!parsed.ok()) {
      return ErrorResponse(parsed.status());
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
    return ErrorResponse(absl::InvalidArgumentError("program: is required (a string)"));
  }
  absl::StatusOr<storage::ConfigStore::ProgramRef> found = store_.config().GetProgram(program_id);
  if (!found.ok()) {
    return ErrorResponse(found.status());
  }
  const storage::ConfigStore::ProgramRef program = *std::move(found);
  if (program->postback_secret.empty()) {
    return ErrorResponse(absl::UnauthenticatedError("the program has no postback_secret"));
  }
  if (signed_body) {
    if (!SignatureMatches(request.x_signature, program->postback_secret, request.body)) {
      return ErrorResponse(absl::UnauthenticatedError(
          "X-Signature must be sha256=<hex HMAC-SHA256 of the raw body with the postback_secret>"));
    }
  } else if (!ConstantTimeEquals(QueryParam(query, "token").value_or(""),
                                 program->postback_secret)) {
    return ErrorResponse(absl::UnauthenticatedError("token must be the program's postback_secret"));
  }

  absl::StatusOr<ConversionFields> fields =
      signed_body ? FieldsFromJsonBody(request.body, *body) : FieldsFromStrictQuery(query);
  if (!fields.ok()) {
    return ErrorResponse(fields.status());
  }
  const absl::Time now = clock_.Now();
  absl::StatusOr<attribution::ConversionEvent> event =
      BuildConversionEvent(*fields, *program, ConversionSource::kPostback, now, std::nullopt);
  if (!event.ok()) {
    return ErrorResponse(event.status());
  }
  store_.committer().SubmitConversion(
      program->id, *std::move(event),
      [later = defer(), program,
       &clock = clock_](absl::StatusOr<attribution::Decision> decision) mutable {
        if (!decision.ok()) {
          std::move(later)(ErrorResponse(decision.status()));
          return;
        }
        LogNotes(*program, *decision);
        HttpResponse response =
            JsonResponse(decision->result == attribution::Result::kQueued ? 202 : 200,
                         EncodeDecision(*decision, *program, clock.Now()));
        std::move(later)(std::move(response));
      });
  return std::nullopt;
}

}  // namespace clicktrack::tracker
