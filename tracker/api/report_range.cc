#include "tracker/api/report_range.h"

#include <optional>

#include "absl/strings/str_cat.h"

#include "attribution/base/status_macros.h"
#include "tracker/common/query_string.h"

namespace clicktrack::tracker {
namespace {

constexpr int kDefaultReportDays = 30;
constexpr int kDefaultReportMonths = 12;

// A civil time of exactly `digits` characters ("YYYY-MM-DD" or "YYYY-MM") from 1970 to 9999.
template <typename Civil>
absl::StatusOr<Civil> ParseCivil(absl::string_view field, absl::string_view text,
                                 absl::string_view form) {
  Civil value;
  if (text.size() != form.size() || !absl::ParseCivilTime(text, &value) || value.year() < 1970 ||
      value.year() > 9999) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": must be a date ", form, " (UTC, 1970 to 9999)"));
  }
  return value;
}

// `field` of `query` parsed, or `fallback` when absent.
template <typename Civil>
absl::StatusOr<Civil> CivilParam(absl::string_view query, absl::string_view field,
                                 absl::string_view form, Civil fallback) {
  const std::optional<std::string> text = QueryParam(query, field);
  return text.has_value() ? ParseCivil<Civil>(field, *text, form) : fallback;
}

}  // namespace

absl::CivilDay TodayUtc(absl::Time now) { return absl::ToCivilDay(now, absl::UTCTimeZone()); }

absl::CivilDay JoinedDay(const attribution::Partner& partner) {
  return absl::ToCivilDay(partner.joined_at, absl::UTCTimeZone());
}

std::string DayText(absl::CivilDay day) { return absl::FormatCivilTime(day); }

std::string MonthText(absl::CivilMonth month) { return absl::FormatCivilTime(month); }

absl::StatusOr<DayRange> ParseDayRange(absl::string_view query, absl::Time now) {
  DayRange range;
  CLICKTRACK_ASSIGN_OR_RETURN(range.to, CivilParam(query, "to", "YYYY-MM-DD", TodayUtc(now)));
  CLICKTRACK_ASSIGN_OR_RETURN(
      range.from, CivilParam(query, "from", "YYYY-MM-DD", range.to - (kDefaultReportDays - 1)));
  if (range.from > range.to) {
    return absl::InvalidArgumentError("from: must not be after to");
  }
  if (range.to - range.from >= kMaxReportDays) {
    return absl::InvalidArgumentError(
        absl::StrCat("from/to: a range may span at most ", kMaxReportDays, " days"));
  }
  return range;
}

absl::StatusOr<MonthRange> ParseMonthRange(absl::string_view query, absl::Time now) {
  MonthRange range;
  CLICKTRACK_ASSIGN_OR_RETURN(range.to,
                              CivilParam(query, "to", "YYYY-MM", absl::CivilMonth(TodayUtc(now))));
  CLICKTRACK_ASSIGN_OR_RETURN(
      range.from, CivilParam(query, "from", "YYYY-MM", range.to - (kDefaultReportMonths - 1)));
  if (range.from > range.to) {
    return absl::InvalidArgumentError("from: must not be after to");
  }
  if (range.to - range.from >= kMaxReportMonths) {
    return absl::InvalidArgumentError(
        absl::StrCat("from/to: a range may span at most ", kMaxReportMonths, " months"));
  }
  return range;
}

absl::StatusOr<absl::CivilDay> ParseAsOf(absl::string_view query, absl::Time now) {
  return CivilParam(query, "as_of", "YYYY-MM-DD", TodayUtc(now));
}

}  // namespace clicktrack::tracker
