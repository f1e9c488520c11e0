#include "tracker/common/json_text.h"

#include "absl/time/civil_time.h"
#include "boost/json/serialize.hpp"

#include "attribution/base/utf8.h"

namespace clicktrack::tracker {

namespace json = boost::json;

std::string FormatTimestamp(absl::Time time) {
  // %E4Y: four digits, so that a year before 1000 is still RFC 3339 ("0999-…").
  return absl::FormatTime("%E4Y-%m-%d%ET%H:%M:%E3SZ", time, absl::UTCTimeZone());
}

absl::StatusOr<absl::Time> ParseTimestamp(absl::string_view text) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error) || time == absl::InfiniteFuture() ||
      time == absl::InfinitePast() || absl::ToCivilYear(time, absl::UTCTimeZone()).year() < 0 ||
      absl::ToCivilYear(time, absl::UTCTimeZone()).year() > 9999) {
    return absl::InvalidArgumentError(
        "must be an RFC 3339 timestamp such as \"2026-01-31T12:00:00Z\"");
  }
  return time;
}

std::string SerializeJson(const json::object& object) {
  std::string text = json::serialize(object);
  if (!base::IsValidUtf8(text)) {
    text = base::ToValidUtf8(text);  // Boost.JSON copies string bytes as they are
  }
  return text;
}

std::string ErrorBody(absl::string_view message) {
  return SerializeJson(json::object{{"error", json::string_view(message.data(), message.size())}});
}

}  // namespace clicktrack::tracker
