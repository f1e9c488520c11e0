// libFuzzer target: request bodies as JSON: the admin API's decoders (programs, partners,
// links) and the signed postback's fields, checked as the routes check them.
#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

#include "attribution/money.h"
#include "attribution/program.h"
#include "tracker/codec/admin_json.h"
#include "tracker/codec/conversion_request.h"

namespace ct = clicktrack;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view body(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<boost::json::object> object = ct::tracker::ParseJsonObject(body);
  if (!object.ok()) {
    return 0;
  }
  const absl::StatusOr<ct::attribution::Program> program =
      ct::tracker::DecodeProgram(*object, "acme");
  if (program.ok()) {
    (void)ct::tracker::SerializeJson(ct::tracker::EncodeProgram(*program));
    (void)ct::attribution::ValidateProgram(*program);
  }
  ct::attribution::Program usd;
  usd.id = "acme";
  usd.currency = *ct::attribution::FindCurrency("USD");
  const auto partner = ct::tracker::DecodePartner(*object, usd, "p1");
  if (partner.ok()) {
    (void)ct::tracker::SerializeJson(ct::tracker::EncodePartner(partner->partner, usd.currency));
  }
  (void)ct::tracker::DecodeLinkInput(*object);
  (void)ct::tracker::DecodeLinkPatch(*object);
  const auto fields = ct::tracker::FieldsFromJsonBody(body, *object);
  if (fields.ok()) {
    (void)ct::tracker::BuildConversionEvent(*fields, usd, ct::tracker::ConversionSource::kPostback,
                                            absl::FromUnixSeconds(1'764'000'000), std::nullopt);
  }
  return 0;
}
