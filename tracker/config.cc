#include "tracker/config.h"

#include <cmath>
#include <fstream>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
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
    {"--access-log", "TRACKER_ACCESS_LOG", "off|all|SHARE",
     "one JSON line per request: off, all, or a share such as 0.01; 5xx answers are\n"
     "                            logged whatever it says (default off)"},
    {"--trusted-proxy", "TRACKER_TRUSTED_PROXY", "LIST",
     "comma-separated addresses and CIDR blocks (127.0.0.1,10.0.0.0/8) whose\n"
     "                            X-Forwarded-For names the client (default none)"},
    {"--backup-dir", "TRACKER_BACKUP_DIR", "DIR",
     "where POST /api/v1/admin/backups keeps backups (default none: backups refused)"},
    {"--env-file", "TRACKER_ENV_FILE", "FILE",
     "VAR=value file re-read on SIGHUP for TRACKER_LOG_LEVEL and TRACKER_ACCESS_LOG"},
    {"--restore-from", nullptr, "DIR",
     "restore the newest backup of DIR (or --backup-id N) into --data, which must be\n"
     "                            empty or missing, and exit"},
    {"--backup-id", nullptr, "N", "the backup --restore-from restores (default the newest)"},
    {"--role", "TRACKER_ROLE", "ROLE",
     "all (one process does everything), edge (redirects and ships clicks to Kafka)\n"
     "                            or core (stores the clicks edges ship; docs/scale-out.md)\n"
     "                            (default all)"},
    {"--kafka", "TRACKER_KAFKA", "HOST:PORT,...",
     "Kafka bootstrap servers; required by --role edge and core"},
    {"--partitions", "TRACKER_PARTITIONS", "N",
     "partitions of the clicks and conversions topics; each topic must have at least\n"
     "                            this many (default 12)"},
    {"--decision-timeout", "TRACKER_DECISION_TIMEOUT", "DURATION",
     "how long an edge waits for a core's decision before answering 202 (default 2s)"},
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

// "off", "all", or a share of requests from 0.000001 to 1: one in round(1 / share).
absl::Status ParseAccessLog(absl::string_view flag, absl::string_view text, uint32_t& every) {
  double share = 0;
  if (text == "off") {
    every = 0;
  } else if (text == "all") {
    every = 1;
  } else if (absl::SimpleAtod(text, &share) && share >= 1e-6 && share <= 1) {
    every = static_cast<uint32_t>(std::lround(1 / share));
  } else {
    return Invalid(flag, "must be off, all, or a share of requests such as 0.01");
  }
  return absl::OkStatus();
}

absl::Status ParseRole(absl::string_view flag, absl::string_view text, Role& out) {
  if (text == "all") {
    out = Role::kAll;
  } else if (text == "edge") {
    out = Role::kEdge;
  } else if (text == "core") {
    out = Role::kCore;
  } else {
    return Invalid(flag, "must be all, edge or core");
  }
  return absl::OkStatus();
}

absl::Status ApplyScaleOut(absl::string_view flag, absl::string_view value, Config& config) {
  if (flag == "--role") {
    return ParseRole(flag, value, config.role);
  }
  if (flag == "--partitions") {
    return ParsePositive(flag, value, 10'000, config.partitions);
  }
  if (flag == "--decision-timeout") {
    return ParseTimeout(flag, value, config.decision_timeout);
  }
  if (value.empty() || absl::StrContains(value, ' ')) {
    return Invalid(flag, "must be host:port[,host:port...], such as kafka1:9092,kafka2:9092");
  }
  config.kafka = std::string(value);
  return absl::OkStatus();
}

// The scale-out settings together: edge and core need Kafka, and all runs without it.
absl::Status CheckRole(const Config& config) {
  if (config.role != Role::kAll && config.kafka.empty()) {
    return Invalid("--role", absl::StrCat(config.role == Role::kEdge ? "edge" : "core",
                                          " needs --kafka with the bootstrap servers"));
  }
  if (config.role == Role::kAll && !config.kafka.empty()) {
    return Invalid("--kafka", "goes with --role edge or --role core");
  }
  return absl::OkStatus();
}

absl::Status ApplyOperations(const Setting& setting, absl::string_view value, Config& config) {
  const absl::string_view flag = setting.flag;
  if (flag == "--role" || flag == "--kafka" || flag == "--partitions" ||
      flag == "--decision-timeout") {
    return ApplyScaleOut(flag, value, config);
  }
  if (flag == "--access-log") {
    return ParseAccessLog(flag, value, config.access_log_every);
  }
  if (flag == "--trusted-proxy") {
    CLICKTRACK_ASSIGN_OR_RETURN(config.trusted_proxies, TrustedProxies::Parse(value));
  } else if (flag == "--backup-id") {
    int id = 0;
    CLICKTRACK_RETURN_IF_ERROR(ParsePositive(flag, value, 1'000'000'000, id));
    config.backup_id = static_cast<uint32_t>(id);
  } else if (value.empty()) {
    return Invalid(flag, "must not be empty");
  } else if (flag == "--backup-dir") {
    config.backup_dir = std::string(value);
  } else if (flag == "--env-file") {
    config.env_file = std::string(value);
  } else if (flag == "--restore-from") {
    config.restore_from = std::string(value);
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
  } else {
    return ApplyOperations(setting, value, config);
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
    const char* env = setting.env == nullptr ? nullptr : getenv(setting.env);
    if (!flagged && env != nullptr && *env != '\0') {
      if (absl::Status status = Apply(setting, env, config); !status.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(setting.env, " (", status.message(), ")"));
      }
    }
  }
  for (const auto& [setting, value] : flags) {
    CLICKTRACK_RETURN_IF_ERROR(Apply(*setting, value, config));
  }
  if (config.backup_id.has_value() && config.restore_from.empty()) {
    return Invalid("--backup-id", "goes with --restore-from");
  }
  CLICKTRACK_RETURN_IF_ERROR(CheckRole(config));
  return config;
}

std::string HelpText() {
  std::string text =
      "trackerd: click and conversion tracking server\n\n"
      "Usage: trackerd [flags]\n\n"
      "Every flag can also be set by its environment variable; a flag wins.\n\n";
  for (const Setting& s : kSettings) {
    absl::StrAppend(&text, "  ", s.flag, " ", s.value_name,
                    s.env == nullptr ? "" : absl::StrCat("   [env ", s.env, "]"), "\n        ",
                    s.help, "\n");
  }
  absl::StrAppend(&text,
                  "  --help\n      this text\n"
                  "  --version\n      the version and the git commit it was built from\n\n"
                  "The first log line (JSON, on stderr) holds the bound address in \"listen\".\n"
                  "SIGTERM or SIGINT stops gracefully; SIGHUP re-reads --env-file.\n"
                  "Docs: docs/api.md, docs/operations.md\n");
  return text;
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ReadEnvFile(
    const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read the environment file ", path));
  }
  std::vector<std::pair<std::string, std::string>> values;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty() || text.front() == '#' || text.front() == ';') {
      continue;
    }
    const size_t equals = text.find('=');
    if (equals == absl::string_view::npos || equals == 0) {
      return absl::InvalidArgumentError(absl::StrCat(path, ":", number, ": not VAR=value: ", text));
    }
    absl::string_view value = absl::StripAsciiWhitespace(text.substr(equals + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    values.emplace_back(std::string(absl::StripAsciiWhitespace(text.substr(0, equals))),
                        std::string(value));
  }
  return values;
}

}  // namespace clicktrack::tracker
