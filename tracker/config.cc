#include "tracker/config.h"

#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"

#include "attribution/base/status_macros.h"
#include "tracker/codec/invalid.h"

namespace clicktrack::tracker {
namespace {

struct Setting {
  const char* flag;
  const char* env;
  const char* value_name;
  const char* help;
  // A switch: "--flag" alone means true; "--flag=false" turns it off.
  bool is_switch = false;
};

constexpr Setting kSettings[] = {
    {"--listen", "TRACKER_LISTEN", "HOST:PORT",
     "address to serve on; port 0 picks a free port (default 127.0.0.1:8080)"},
    {"--data", "TRACKER_DATA", "DIR",
     "RocksDB data directory, created if missing (default ./data)"},
    {"--public-url", "TRACKER_PUBLIC_URL", "URL",
     "base URL of the links handed out; https makes the cookie SameSite=None; Secure\n"
     "                            (default http://<listen address>)"},
    {"--admin-token", "TRACKER_ADMIN_TOKEN", "TOKEN",
     "bearer token of the admin API (default: made on first start and kept in\n"
     "                            DIR/admin_token)"},
    {"--threads", "TRACKER_THREADS", "N", "event-loop threads (default: number of cores)"},
    {"--log-level", "TRACKER_LOG_LEVEL", "LEVEL", "debug, info, warn or error (default info)"},
    {"--max-connections", "TRACKER_MAX_CONNECTIONS", "N",
     "open connections beyond this are closed at once (default 10000)"},
    {"--read-timeout", "TRACKER_READ_TIMEOUT", "DURATION",
     "time to receive a whole request, and to sit idle between requests on a\n"
     "                            keep-alive connection, such as 30s or 500ms (default 30s)"},
    {"--write-timeout", "TRACKER_WRITE_TIMEOUT", "DURATION",
     "time for a response to leave (default 10s)"},
    {"--block-private-postbacks", "TRACKER_BLOCK_PRIVATE_POSTBACKS", "true|false",
     "refuse partner postback URLs whose host is a loopback, private or link-local\n"
     "                            IPv4 address (default true)",
     /*is_switch=*/true},
    {"--import-limit-mib", "TRACKER_IMPORT_LIMIT_MIB", "N",
     "largest body of POST /api/v1/programs/{p}/import, in MiB; it is streamed to\n"
     "                            DIR/spool, not held in memory (default 256)"},
};

absl::Status ParseListen(absl::string_view text, Config& config) {
  const size_t colon = text.rfind(':');
  if (colon == absl::string_view::npos || colon == 0) {
    return Invalid("--listen", "must be HOST:PORT, such as 127.0.0.1:8080");
  }
  absl::string_view host = text.substr(0, colon);
  if (absl::ConsumePrefix(&host, "[") && !absl::ConsumeSuffix(&host, "]")) {
    return Invalid("--listen", "an IPv6 host must be in brackets, such as [::1]:8080");
  }
  uint32_t port = 0;
  if (!absl::SimpleAtoi(text.substr(colon + 1), &port) || port > 65535) {
    return Invalid("--listen", "port must be a number from 0 to 65535");
  }
  config.listen_host = std::string(host);
  config.listen_port = static_cast<uint16_t>(port);
  return absl::OkStatus();
}

absl::Status ParsePositive(absl::string_view flag, absl::string_view text, int max, int& out) {
  int value = 0;
  if (!absl::SimpleAtoi(text, &value) || value < 1 || value > max) {
    return Invalid(flag, absl::StrCat("must be a number from 1 to ", max));
  }
  out = value;
  return absl::OkStatus();
}

// A duration such as "30s" or "500ms": at least 10 ms (the deadline sweep's resolution), at
// most an hour.
absl::Status ParseTimeout(absl::string_view flag, absl::string_view text, absl::Duration& out) {
  absl::Duration value;
  if (!absl::ParseDuration(text, &value) || value < absl::Milliseconds(10) ||
      value > absl::Hours(1)) {
    return Invalid(flag, "must be a duration from 10ms to 1h, such as 30s or 500ms");
  }
  out = value;
  return absl::OkStatus();
}

absl::Status ParseSwitch(absl::string_view flag, absl::string_view text, bool& out) {
  if (text == "true") {
    out = true;
  } else if (text == "false") {
    out = false;
  } else {
    return Invalid(flag, "must be true or false");
  }
  return absl::OkStatus();
}

absl::Status Apply(const Setting& setting, absl::string_view value, Config& config) {
  const absl::string_view flag = setting.flag;
  if (flag == "--listen") {
    return ParseListen(value, config);
  }
  if (flag == "--data") {
    if (value.empty()) {
      return Invalid(flag, "must not be empty");
    }
    config.data_dir = std::string(value);
  } else if (flag == "--public-url") {
    if (!absl::StartsWith(value, "http://") && !absl::StartsWith(value, "https://")) {
      return Invalid(flag, "must start with http:// or https://");
    }
    std::string url(value);
    while (absl::EndsWith(url, "/")) {
      url.pop_back();
    }
    config.public_url = std::move(url);
  } else if (flag == "--admin-token") {
    if (value.size() < 16) {
      return Invalid(flag, "must be at least 16 characters");
    }
    config.admin_token = std::string(value);
  } else if (flag == "--threads") {
    return ParsePositive(flag, value, 256, config.threads);
  } else if (flag == "--log-level") {
    return ParseLogLevel(value, config.log_level);
  } else if (flag == "--max-connections") {
    return ParsePositive(flag, value, 1'000'000, config.max_connections);
  } else if (flag == "--read-timeout") {
    return ParseTimeout(flag, value, config.read_timeout);
  } else if (flag == "--write-timeout") {
    return ParseTimeout(flag, value, config.write_timeout);
  } else if (flag == "--block-private-postbacks") {
    return ParseSwitch(flag, value, config.block_private_postbacks);
  } else if (flag == "--import-limit-mib") {
    return ParsePositive(flag, value, 64 * 1024, config.import_limit_mib);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Config> ParseConfig(int argc, const char* const* argv, const GetEnv& getenv) {
  Config config;
  config.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

  // Flags first into a list, so that environment variables apply only where no flag is given.
  std::vector<std::pair<const Setting*, std::string>> flags;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      config.help = true;
      return config;
    }
    if (arg == "--version") {
      config.version = true;
      return config;
    }
    std::optional<std::string> inline_value;
    if (const size_t equals = arg.find('='); equals != absl::string_view::npos) {
      inline_value = std::string(arg.substr(equals + 1));
      arg = arg.substr(0, equals);
    }
    const Setting* setting = nullptr;
    for (const Setting& s : kSettings) {
      if (arg == s.flag) {
        setting = &s;
      }
    }
    if (setting == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag ", arg, " (see --help)"));
    }
    if (!inline_value.has_value() && setting->is_switch) {
      inline_value = "true";
    }
    if (!inline_value.has_value()) {
      if (i + 1 >= argc) {
        return Invalid(arg, "needs a value");
      }
      inline_value = argv[++i];
    }
    flags.emplace_back(setting, *std::move(inline_value));
  }
  for (const Setting& setting : kSettings) {
    const bool flagged =
        std::any_of(flags.begin(), flags.end(), [&](const auto& f) { return f.first == &setting; });
    const char* env = getenv(setting.env);
    if (!flagged && env != nullptr && *env != '\0') {
      if (absl::Status status = Apply(setting, env, config); !status.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(setting.env, " (", status.message(), ")"));
      }
    }
  }
  for (const auto& [setting, value] : flags) {
    CLICKTRACK_RETURN_IF_ERROR(Apply(*setting, value, config));
  }
  return config;
}

std::string HelpText() {
  std::string text =
      "trackerd: click and conversion tracking server\n\n"
      "Usage: trackerd [flags]\n\n"
      "Every flag can also be set by its environment variable; a flag wins.\n\n";
  for (const Setting& s : kSettings) {
    absl::StrAppend(&text, "  ", s.flag, " ", s.value_name, "   [env ", s.env, "]\n        ",
                    s.help, "\n");
  }
  absl::StrAppend(&text,
                  "  --help\n      this text\n"
                  "  --version\n      the version and the git commit it was built from\n\n"
                  "The first log line (JSON, on stderr) holds the bound address in \"listen\".\n"
                  "SIGTERM or SIGINT stops gracefully. Docs: docs/api.md, docs/operations.md\n");
  return text;
}

}  // namespace clicktrack::tracker
