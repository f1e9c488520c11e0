#include "tracker/common/log.h"

#include <string>

#include "boost/json/serialize.hpp"
#include "boost/json/string.hpp"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

namespace clicktrack::tracker {
namespace {

spdlog::level::level_enum ToSpdlog(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return spdlog::level::debug;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kWarn:
      return spdlog::level::warn;
    case LogLevel::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

}  // namespace

absl::Status ParseLogLevel(absl::string_view text, LogLevel& level) {
  if (text == "debug") {
    level = LogLevel::kDebug;
  } else if (text == "info") {
    level = LogLevel::kInfo;
  } else if (text == "warn" || text == "warning") {
    level = LogLevel::kWarn;
  } else if (text == "error") {
    level = LogLevel::kError;
  } else {
    return absl::InvalidArgumentError("--log-level must be debug, info, warn or error");
  }
  return absl::OkStatus();
}

void InitLogging(LogLevel level) {
  auto logger = spdlog::stderr_logger_mt("trackerd");
  // The message part is already a sequence of JSON members; spdlog adds time and level.
  logger->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})",
                      spdlog::pattern_time_type::utc);
  logger->set_level(ToSpdlog(level));
  logger->flush_on(spdlog::level::trace);  // one line at a time: nothing is lost on a crash
  spdlog::set_default_logger(std::move(logger));
}

bool LogEnabled(LogLevel level) {
  return spdlog::default_logger_raw()->should_log(ToSpdlog(level));
}

namespace {

// The members after "level": the message and the fields.
std::string Members(std::string_view message, std::initializer_list<LogField> fields) {
  std::string line = "\"msg\":";
  line += boost::json::serialize(boost::json::string(message));
  for (const auto& [name, value] : fields) {
    line += ',';
    line += boost::json::serialize(boost::json::string(name));
    line += ':';
    line += boost::json::serialize(value);
  }
  return line;
}

}  // namespace

void Log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields) {
  if (!LogEnabled(level)) {
    return;
  }
  spdlog::default_logger_raw()->log(ToSpdlog(level), Members(message, fields));
}

void LogAtAnyLevel(std::string_view message, std::initializer_list<LogField> fields) {
  spdlog::logger& logger = *spdlog::default_logger_raw();
  const spdlog::level::level_enum level = logger.level();
  logger.set_level(spdlog::level::info);
  logger.log(spdlog::level::info, Members(message, fields));
  logger.set_level(level);
}

void FlushLog() { spdlog::default_logger_raw()->flush(); }

}  // namespace clicktrack::tracker
