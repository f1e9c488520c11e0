// libFuzzer target: query strings and targets (tracker/query) and the conversion fields built
// from them, checked against a program as the pixel and the GET postback do.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

#include "attribution/base/utf8.h"
#include "attribution/money.h"
#include "tracker/codec/conversion_request.h"
#include "tracker/common/query_string.h"

namespace ct = clicktrack;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  const ct::tracker::Target target = ct::tracker::SplitTarget(text);
  (void)ct::tracker::RedactSecrets(text);
  (void)ct::tracker::QueryParam(target.query, "order_id");
  ct::tracker::ForEachQueryParam(target.query, [](absl::string_view, absl::string_view raw) {
    (void)ct::tracker::PercentDecode(raw);
    return true;
  });
  const absl::StatusOr<ct::tracker::ConversionFields> fields =
      ct::tracker::FieldsFromStrictQuery(target.query);
  if (!fields.ok()) {
    return 0;
  }
  ct::attribution::Program program;
  program.id = "acme";
  program.currency = *ct::attribution::FindCurrency("USD");
  for (const auto source :
       {ct::tracker::ConversionSource::kPixel, ct::tracker::ConversionSource::kPostback}) {
    const auto event = ct::tracker::BuildConversionEvent(
        *fields, program, source, absl::FromUnixSeconds(1'764'000'000), std::nullopt);
    if (event.ok() &&
        (!ct::base::IsValidUtf8(event->order_id) || !ct::base::IsValidUtf8(event->refund_id))) {
      __builtin_trap();  // SPEC §4: only valid UTF-8 is ever stored
    }
  }
  return 0;
}
