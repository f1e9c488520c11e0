#pragma once

// The dates of report queries (SPEC §3, §6): UTC calendar days (YYYY-MM-DD) or months
// (YYYY-MM), both ends inclusive. Every parse error names its field.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

#include "attribution/program.h"

namespace clicktrack::tracker {

// Ranges longer than ten years are refused: they are mistakes, and slow ones.
inline constexpr int kMaxReportDays = 3660;
inline constexpr int kMaxReportMonths = 120;

struct DayRange {
  absl::CivilDay from;
  absl::CivilDay to;
};
// `from`/`to` of `query`; by default the 30 days ending today (or ending `to`).
absl::StatusOr<DayRange> ParseDayRange(absl::string_view query, absl::Time now);

struct MonthRange {
  absl::CivilMonth from;
  absl::CivilMonth to;
};
// `from`/`to` (YYYY-MM) of `query`; by default the 12 months ending this month (or `to`).
absl::StatusOr<MonthRange> ParseMonthRange(absl::string_view query, absl::Time now);

// `as_of` of `query`, default today.
absl::StatusOr<absl::CivilDay> ParseAsOf(absl::string_view query, absl::Time now);

absl::CivilDay TodayUtc(absl::Time now);
// The UTC day the partner joined: program reports over a range count the partners who had
// joined by its end.
absl::CivilDay JoinedDay(const attribution::Partner& partner);
std::string DayText(absl::CivilDay day);        // "2026-12-02"
std::string MonthText(absl::CivilMonth month);  // "2026-12"

}  // namespace clicktrack::tracker
