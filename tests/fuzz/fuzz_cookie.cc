// libFuzzer target: Cookie headers and the customer id a tc_cid cookie may carry.
#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

#include "attribution/ids.h"
#include "tracker/common/query_string.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view header(reinterpret_cast<const char*>(data), size);
  const auto cookie = clicktrack::tracker::FindCookie(header, "tc_cid");
  if (cookie.has_value()) {
    const auto id = clicktrack::attribution::Ulid::FromText(*cookie);
    if (id.has_value()) {
      const auto text = id->Text();
      if (absl::string_view(text.data(), text.size()) != *cookie) {
        __builtin_trap();  // only a canonical id is taken as one
      }
    }
  }
  return 0;
}
