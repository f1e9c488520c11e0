#pragma once

// UTF-8 as RFC 3629 defines it: no overlong forms, no surrogates, nothing past U+10FFFF.
// Every text the tracker stores or answers is valid UTF-8 (SPEC §4).

#include <string>

#include "absl/strings/string_view.h"

namespace clicktrack::base {

bool IsValidUtf8(absl::string_view text);

// `text` with each invalid byte sequence replaced by U+FFFD (one per maximal invalid subpart,
// as the Unicode standard recommends and browsers do).
std::string ToValidUtf8(absl::string_view text);

}  // namespace clicktrack::base
