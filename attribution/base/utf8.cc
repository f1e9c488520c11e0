#include "attribution/base/utf8.h"

namespace clicktrack::base {
namespace {

constexpr absl::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// How the bytes at text[at] start: `length` bytes form a valid character when `valid`, else
// they are the maximal invalid subpart (the longest prefix that could have begun a valid
// character, at least one byte). Table 3-7 of the Unicode standard.
struct Sequence {
  size_t length = 1;
  bool valid = false;
};

Sequence ReadSequence(absl::string_view text, size_t at) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[at + i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) {
    return {.length = 1, .valid = true};
  }
  size_t length = 0;
  unsigned char low = 0x80;  // the second byte's range depends on the first
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    low = lead == 0xE0 ? 0xA0 : 0x80;   // no overlong forms
    high = lead == 0xED ? 0x9F : 0xBF;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    low = lead == 0xF0 ? 0x90 : 0x80;   // no overlong forms
    high = lead == 0xF4 ? 0x8F : 0xBF;  // nothing past U+10FFFF
  } else {
    return {};
  }
  size_t matched = 1;
  for (; matched < length && at + matched < text.size(); ++matched) {
    const unsigned char next = byte(matched);
    const bool fits = matched == 1 ? next >= low && next <= high : (next & 0xC0) == 0x80;
    if (!fits) {
      break;
    }
  }
  return {.length = matched, .valid = matched == length};
}

}  // namespace

bool IsValidUtf8(absl::string_view text) {
  for (size_t at = 0; at < text.size();) {
    const Sequence sequence = ReadSequence(text, at);
    if (!sequence.valid) {
      return false;
    }
    at += sequence.length;
  }
  return true;
}

std::string ToValidUtf8(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t at = 0; at < text.size();) {
    const Sequence sequence = ReadSequence(text, at);
    const absl::string_view piece =
        sequence.valid ? text.substr(at, sequence.length) : kReplacement;
    out.append(piece.data(), piece.size());
    at += sequence.length;
  }
  return out;
}

}  // namespace clicktrack::base
