#include "tracker/common/query_string.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

#include "attribution/base/utf8.h"

namespace clicktrack::tracker {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

}  // namespace

Target SplitTarget(absl::string_view target) {
  const size_t question = target.find('?');
  if (question == absl::string_view::npos) {
    return Target{.path = target, .query = {}};
  }
  return Target{.path = target.substr(0, question), .query = target.substr(question + 1)};
}

std::string PercentDecode(absl::string_view text) {
  std::string out;
  PercentDecodeTo(text, out);
  return out;
}

void PercentDecodeTo(absl::string_view text, std::string& out) {
  out.reserve(out.size() + text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
}

void ForEachQueryParam(
    absl::string_view query,
    absl::FunctionRef<bool(absl::string_view name, absl::string_view raw_value)> visit) {
  std::string decoded;
  for (absl::string_view param : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    const size_t equals = param.find('=');
    absl::string_view name = param.substr(0, equals);
    if (name.find_first_of("%+") != absl::string_view::npos) {
      decoded.clear();
      PercentDecodeTo(name, decoded);
      name = decoded;
    }
    const absl::string_view raw_value =
        equals == absl::string_view::npos ? absl::string_view() : param.substr(equals + 1);
    if (!visit(name, raw_value)) {
      return;
    }
  }
}

std::optional<std::string> QueryParam(absl::string_view query, absl::string_view key) {
  std::optional<std::string> found;
  ForEachQueryParam(query, [&](absl::string_view name, absl::string_view raw_value) {
    if (name != key) {
      return true;
    }
    found = PercentDecode(raw_value);
    return false;
  });
  return found;
}

std::string RedactSecrets(absl::string_view target) {
  const Target parts = SplitTarget(target);
  if (parts.query.empty()) {
    return std::string(target);
  }
  std::string out(parts.path);
  out.push_back('?');
  absl::string_view rest = parts.query;
  while (true) {
    const size_t end = std::min(rest.find_first_of("&;"), rest.size());
    const absl::string_view param = rest.substr(0, end);
    const absl::string_view name = param.substr(0, param.find('='));
    if (absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(PercentDecode(name)), "token")) {
      absl::StrAppend(&out, name, "=REDACTED");
    } else {
      out.append(param.data(), param.size());
    }
    if (end == rest.size()) {
      return out;
    }
    out.push_back(rest[end]);
    rest.remove_prefix(end + 1);
  }
}

std::optional<absl::string_view> FindCookie(absl::string_view header, absl::string_view name) {
  for (absl::string_view pair : absl::StrSplit(header, ';', absl::SkipEmpty())) {
    pair = absl::StripAsciiWhitespace(pair);
    const size_t equals = pair.find('=');
    if (equals == absl::string_view::npos || pair.substr(0, equals) != name) {
      continue;
    }
    absl::string_view value = pair.substr(equals + 1);
    // RFC 6265 allows a quoted value.
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    return value;
  }
  return std::nullopt;
}

}  // namespace clicktrack::tracker
