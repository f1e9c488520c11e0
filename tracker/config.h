#pragma once

// trackerd's settings: command-line flags, each with an environment variable; a flag wins
// over its variable, and every setting has a default.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

#include "tracker/common/log.h"
#include "tracker/http/trusted_proxies.h"

namespace clicktrack::tracker {

// What a node does (docs/scale-out.md): everything in one process, or one side of a cluster
// over Kafka.
enum class Role { kAll, kEdge, kCore };
inline const char* RoleName(Role role) {
  return role == Role::kAll ? "all" : role == Role::kEdge ? "edge" : "core";
}

struct Config {
  // --listen / TRACKER_LISTEN: host:port ("[::1]:8080" for IPv6). Port 0 picks a free port.
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 8080;
  // --data / TRACKER_DATA: the RocksDB directory. Default: ./data
  std::string data_dir = "./data";
  // --public-url / TRACKER_PUBLIC_URL: base of the links handed out. Default: http://<listen>.
  std::optional<std::string> public_url;
  // --admin-token / TRACKER_ADMIN_TOKEN. Default: made on first start, kept in the data dir.
  std::optional<std::string> admin_token;
  // --threads / TRACKER_THREADS: event-loop threads. Default: the number of cores.
  int threads = 1;
  // --log-level / TRACKER_LOG_LEVEL. Default: info.
  LogLevel log_level = LogLevel::kInfo;
  // --max-connections / TRACKER_MAX_CONNECTIONS. Default: 10000.
  int max_connections = 10'000;
  // --read-timeout / TRACKER_READ_TIMEOUT: to receive a request or sit idle. Default: 30 s.
  absl::Duration read_timeout = absl::Seconds(30);
  // --write-timeout / TRACKER_WRITE_TIMEOUT: for a response to leave. Default: 10 s.
  absl::Duration write_timeout = absl::Seconds(10);
  // --block-private-postbacks / TRACKER_BLOCK_PRIVATE_POSTBACKS: refuse partner postback URLs
  // that point into loopback, private or link-local IPv4 space (SPEC §4.7). Default: true.
  bool block_private_postbacks = true;
  // --import-limit-mib / TRACKER_IMPORT_LIMIT_MIB: the largest import body (SPEC §6), spooled
  // to <data>/spool. Default: 256.
  int import_limit_mib = 256;
  // --access-log / TRACKER_ACCESS_LOG: off, all, or a share such as 0.01 (one request in
  // 100). Requests answered 5xx are logged whatever it says. Default: off.
  uint32_t access_log_every = 0;
  // --trusted-proxy / TRACKER_TRUSTED_PROXY: addresses and CIDR blocks whose X-Forwarded-For
  // names the client. Default: none.
  TrustedProxies trusted_proxies;
  // --backup-dir / TRACKER_BACKUP_DIR: where POST /api/v1/admin/backups writes. Default: none
  // (backups answer 409 with the reason).
  std::string backup_dir;
  // --env-file / TRACKER_ENV_FILE: VAR=value lines re-read on SIGHUP for the log level and
  // the access log. Default: none.
  std::string env_file;
  // --restore-from DIR [--backup-id N]: restore a backup into --data (which must be empty or
  // missing) and exit. No environment variable: a restore is a command, not a setting.
  std::string restore_from;
  std::optional<uint32_t> backup_id;
  // --role / TRACKER_ROLE: all, edge or core (docs/scale-out.md). Default: all.
  Role role = Role::kAll;
  // --kafka / TRACKER_KAFKA: bootstrap servers (host:port,host:port), required by edge and
  // core, refused with all.
  std::string kafka;
  // --partitions / TRACKER_PARTITIONS: the partitions of the clicks and conversions topics
  // (each topic must have at least this many). Default: 12.
  int partitions = 12;
  // --decision-timeout / TRACKER_DECISION_TIMEOUT: how long an edge waits for a core's
  // decision before it answers 202. Default: 2 s.
  absl::Duration decision_timeout = absl::Seconds(2);
  bool help = false;
  bool version = false;  // --version
};

using GetEnv = std::function<const char*(const char*)>;

// Parses argv and the environment (looked up through `getenv`). kInvalidArgument with a
// message fit for a terminal on an unknown flag, a missing value or a bad value.
absl::StatusOr<Config> ParseConfig(int argc, const char* const* argv, const GetEnv& getenv);

// The --help text.
std::string HelpText();
// The one line shown with a usage error.
inline constexpr char kUsageLine[] =
    "usage: trackerd [--listen HOST:PORT] [--data DIR] [flags]; trackerd --help lists them";

// The VAR=value lines of an environment file (systemd's EnvironmentFile= syntax: comments,
// blank lines, optional quotes). kInvalidArgument naming the line that is none of these.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ReadEnvFile(
    const std::string& path);

}  // namespace clicktrack::tracker
