#include "tracker/common/log.h"

#include <atomic>
#include <memory>
#include <string>

#include "boost/json/serialize.hpp"
#include "boost/json/string.hpp"
#include "spdlog/pattern_formatter.h"
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

std::atomic<uint32_t> access_log_every{0};

// Lines written whatever the level: the listening line and the access log. It shares the
// default logger's sink, so that lines never interleave.
std::shared_ptr<spdlog::logger>& AlwaysLogger() {
  static auto* logger = new std::shared_ptr<spdlog::logger>();
  return *logger;
}

spdlog::logger& Always() {
  const std::shared_ptr<spdlog::logger>& always = AlwaysLogger();
  return always ? *always : *spdlog::default_logger_raw();  // before InitLogging: tests
}

}  // namespace

absl::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

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
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  // The message part is already a sequence of JSON members; spdlog adds time and level.
  sink->set_formatter(std::make_unique<spdlog::pattern_formatter>(
      R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})", spdlog::pattern_time_type::utc));
  auto logger = std::make_shared<spdlog::logger>("trackerd", sink);
  logger->set_level(ToSpdlog(level));
  logger->flush_on(spdlog::level::trace);  // one line at a time: nothing is lost on a crash
  auto always = std::make_shared<spdlog::logger>("always", sink);
  always->set_level(spdlog::level::trace);
  always->flush_on(spdlog::level::trace);
  AlwaysLogger() = std::move(always);
  spdlog::set_default_logger(std::move(logger));
}

void SetLogLevel(LogLevel level) { spdlog::default_logger_raw()->set_level(ToSpdlog(level)); }

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
  Always().log(spdlog::level::info, Members(message, fields));
}

void SetAccessLogEvery(uint32_t every) { access_log_every.store(every, std::memory_order_relaxed); }

uint32_t AccessLogEvery() { return access_log_every.load(std::memory_order_relaxed); }

bool AccessLogWants(uint64_t request_number, int status) {
  const uint32_t every = access_log_every.load(std::memory_order_relaxed);
  return (every != 0 && request_number % every == 0) || status >= 500 ||
         LogEnabled(LogLevel::kDebug);
}

void FlushLog() { spdlog::default_logger_raw()->flush(); }

}  // namespace clicktrack::tracker
