#pragma once

// Logs: one JSON object per line on stderr ({"ts":…,"level":…,"msg":…, fields…}), through
// spdlog (level filtering, a locked sink). Thread-safe.

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "boost/json/value.hpp"

namespace clicktrack::tracker {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// Parses "debug", "info", "warn" (or "warning") and "error".
absl::Status ParseLogLevel(absl::string_view text, LogLevel& level);
absl::string_view LogLevelName(LogLevel level);

// Sets up the stderr logger. Call once, before any other thread logs.
void InitLogging(LogLevel level);

bool LogEnabled(LogLevel level);
// Changes the level while threads log (SIGHUP).
void SetLogLevel(LogLevel level);

using LogField = std::pair<std::string_view, boost::json::value>;

// A JSON string value of any text, for log fields.
inline boost::json::value JsonText(absl::string_view text) {
  return boost::json::string(text.data(), text.size());
}
void Log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields = {});
// An info line written whatever the level (SPEC §7: the line naming the bound address).
void LogAtAnyLevel(std::string_view message, std::initializer_list<LogField> fields = {});

// The access log: one "request" line (LogAtAnyLevel) per request sampled, whatever the level.
// `every`: 0 logs none, 1 every request, N one in N. Requests answered 5xx are always logged, and
// at debug level every request is. Thread-safe; read on every request without a lock.
void SetAccessLogEvery(uint32_t every);
uint32_t AccessLogEvery();
bool AccessLogWants(uint64_t request_number, int status);

// Writes out what the logger buffers.
void FlushLog();

}  // namespace clicktrack::tracker
