// libFuzzer target: the value parsers of SPEC §3 (money, percents, durations, timestamps)
// and UTF-8, with their round trips: what parses formats back to something that parses to
// the same value.
#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

#include "attribution/base/utf8.h"
#include "attribution/duration.h"
#include "attribution/money.h"
#include "tracker/codec/admin_json.h"

namespace ct = clicktrack;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  for (const char* code : {"USD", "JPY", "KWD"}) {
    const ct::attribution::Currency currency = *ct::attribution::FindCurrency(code);
    const absl::StatusOr<int64_t> amount = ct::attribution::ParseAmount(text, currency);
    if (amount.ok() && *ct::attribution::ParseAmount(
                           ct::attribution::FormatAmount(*amount, currency), currency) != *amount) {
      __builtin_trap();
    }
  }
  (void)ct::attribution::FindCurrency(text);
  const auto percent = ct::attribution::ParsePercent(text);
  if (percent.ok()) {
    if (*ct::attribution::ParsePercent(ct::attribution::FormatPercent(*percent)) != *percent) {
      __builtin_trap();
    }
    (void)ct::attribution::ApplyPercent(ct::attribution::kMaxAmountMinor, *percent);
  }
  const auto duration = ct::attribution::ParseApiDuration(text);
  if (duration.ok() && *ct::attribution::ParseApiDuration(
                           ct::attribution::FormatApiDuration(*duration)) != *duration) {
    __builtin_trap();
  }
  const auto time = ct::tracker::ParseTimestamp(text);
  if (time.ok()) {
    const auto again = ct::tracker::ParseTimestamp(ct::tracker::FormatTimestamp(*time));
    if (!again.ok() || absl::ToUnixMillis(*again) != absl::ToUnixMillis(*time)) {
      __builtin_trap();
    }
  }
  if (!ct::base::IsValidUtf8(ct::base::ToValidUtf8(text)) ||
      (ct::base::IsValidUtf8(text) && ct::base::ToValidUtf8(text) != text)) {
    __builtin_trap();
  }
  return 0;
}
