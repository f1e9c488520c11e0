// trackerd: wires the store, the API and the server together. The only place where concrete
// classes are constructed.

#include <stdlib.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"

#include "storage/store.h"
#include "tracker/api/api.h"
#include "tracker/api/backup_runner.h"
#include "tracker/background_yield.h"
#include "tracker/build_info.h"
#include "tracker/codec/url_validation.h"
#include "tracker/common/clock.h"
#include "tracker/common/id_generator.h"
#include "tracker/common/log.h"
#include "tracker/config.h"
#include "tracker/http/server.h"
#include "tracker/importer/importer.h"
#include "tracker/operations.h"
#include "tracker/outbox/worker.h"
#include "tracker/scale_out.h"

#include <sys/resource.h>
#include <sys/stat.h>

namespace clicktrack::tracker {
namespace {

constexpr char kVersion[] = "0.1.0";
constexpr char kAdminTokenFile[] = "admin_token";

struct AdminToken {
  std::string token;
  std::string file;  // empty when the token came from a flag or the environment
  bool created = false;
};

// The token of the flag/environment, else the one kept in the data directory, else a new one
// written there (mode 0600).
absl::StatusOr<AdminToken> ResolveAdminToken(const Config& config) {
  if (config.admin_token.has_value()) {
    return AdminToken{.token = *config.admin_token};
  }
  const std::string path = (std::filesystem::path(config.data_dir) / kAdminTokenFile).string();
  std::ifstream in(path);
  if (in) {
    std::string token;
    std::getline(in, token);
    token = std::string(absl::StripAsciiWhitespace(token));
    if (token.size() < 16) {
      return absl::FailedPreconditionError(absl::StrCat(
          path, " holds no usable token (at least 16 characters); delete it to get a new one"));
    }
    return AdminToken{.token = token, .file = path};
  }
  const std::string token = NewSecretHex(32);
  const std::string temporary = path + ".tmp";
  {
    const mode_t old_mask = umask(077);
    std::ofstream out(temporary, std::ios::trunc);
    umask(old_mask);
    out << token << "\n";
    out.flush();
    if (!out) {
      return absl::UnavailableError(absl::StrCat("cannot write ", temporary));
    }
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat("cannot create ", path, ": ", ec.message()));
  }
  return AdminToken{.token = token, .file = path, .created = true};
}

// File descriptors kept for RocksDB's files, the listener and the logs, out of the limit.
constexpr rlim_t kReservedDescriptors = 256;

struct ConnectionLimit {
  size_t max_connections = 0;
  uint64_t fd_limit = 0;
  bool lowered = false;  // below what was asked: worth a warning
};

// The most connections the descriptor limit leaves room for: `requested`, or less. Raises
// the soft limit to the hard one first, as servers usually do.
ConnectionLimit ConnectionsWithinFdLimit(int requested) {
  const auto asked = static_cast<size_t>(requested);
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return {.max_connections = asked};
  }
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
      limit = raised;
    }
  }
  const rlim_t room = limit.rlim_cur - std::min(kReservedDescriptors, limit.rlim_cur / 2);
  if (limit.rlim_cur == RLIM_INFINITY || static_cast<rlim_t>(requested) <= room) {
    return {.max_connections = asked, .fd_limit = limit.rlim_cur};
  }
  return {.max_connections = room, .fd_limit = limit.rlim_cur, .lowered = true};
}

void LogIfLowered(const ConnectionLimit& connections, int requested) {
  if (connections.lowered) {
    Log(LogLevel::kWarn, "max-connections lowered to fit the file descriptor limit",
        {{"requested", requested},
         {"max_connections", connections.max_connections},
         {"fd_limit", connections.fd_limit},
         {"hint", "raise the limit with ulimit -n, or LimitNOFILE= in the systemd unit"}});
  }
}

// SPEC §4.7: postbacks to partners, and with --block-private-postbacks, never to a private
// address the partner's host name resolves to.
OutboxWorkerOptions PostbackOptions(const Config& config) {
  OutboxWorkerOptions options;
  options.outgoing.timeout = attribution::kDeliveryTimeout;
  if (config.block_private_postbacks) {
    options.outgoing.refuse_ipv4 = IsPrivateIpv4;
  }
  return options;
}

// Imports (SPEC §6) of an admin are spooled to DIR/spool, emptied here of what a crash left.
BodySpool ImportSpool(const Config& config, const std::string& admin_token) {
  const std::filesystem::path dir = std::filesystem::path(config.data_dir) / "spool";
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  std::filesystem::create_directories(dir, ignored);
  return BodySpool{
      .accepts = IsImportTarget,
      .admits = [admin = BearerToken(admin_token)](
                    absl::string_view authorization) { return admin.Matches(authorization); },
      .dir = dir.string(),
      .limit = static_cast<uint64_t>(config.import_limit_mib) << 20,
  };
}

ServerOptions ServerOptionsFor(const Config& config, const ConnectionLimit& connections,
                               storage::Maintenance& maintenance, BodySpool spool) {
  ServerOptions options;
  options.spool = std::move(spool);
  options.host = config.listen_host;
  options.port = config.listen_port;
  options.threads = config.threads;
  options.max_connections = connections.max_connections;
  options.read_timeout = config.read_timeout;
  options.write_timeout = config.write_timeout;
  options.trusted_proxies = config.trusted_proxies;
  // RocksDB's flushes and compactions run under SCHED_IDLE: the loops hand them the core in
  // short pauses while they have work (docs/performance.md).
  options.background_yield = [&maintenance, loops = config.threads] {
    return BackgroundYield(maintenance.PendingBackgroundWork(), loops);
  };
  return options;
}

// `scale_out`: a cluster node's, whose figures join /metrics and whose state /readyz reports.
ApiOptions ApiOptionsFor(const Config& config, const std::string& admin_token,
                         absl::string_view listen, const Server& server,
                         const ScaleOut* scale_out) {
  ApiOptions options{
      .public_url = config.public_url.value_or(absl::StrCat("http://", listen)),
      .admin_token = admin_token,
      .block_private_postbacks = config.block_private_postbacks,
      .more_metrics = [&server, scale_out, data_dir = config.data_dir](MetricsText& out) {
        server.WriteMetrics(out);
        WriteDaemonMetrics(out, kVersion, kGitCommit, data_dir);
        if (scale_out != nullptr) {
          scale_out->WriteMetrics(out);
        }
      }};
  if (scale_out != nullptr) {
    options.kafka_degraded = [scale_out] { return scale_out->degraded(); };
  }
  return options;
}

// SPEC §7: the first line at every log level, so that a daemon on port 0 can be found.
void LogListening(const Config& config, absl::string_view listen, absl::string_view public_url) {
  LogAtAnyLevel("listening", {{"listen", JsonText(listen)},
                              {"public_url", JsonText(public_url)},
                              {"data", JsonText(config.data_dir)},
                              {"threads", config.threads},
                              {"role", RoleName(config.role)},
                              {"version", kVersion},
                              {"commit", kGitCommit}});
}

void LogAdminToken(const AdminToken& admin_token) {
  if (!admin_token.file.empty()) {
    Log(LogLevel::kInfo, admin_token.created ? "admin token created" : "admin token loaded",
        {{"admin_token_file", JsonText(admin_token.file)}});
  }
}

void LogUpgrade(const storage::FormatUpgrade& upgrade) {
  if (upgrade.from != upgrade.to) {
    Log(LogLevel::kInfo, "data directory upgraded",
        {{"from_format", upgrade.from},
         {"to_format", upgrade.to},
         {"ledger_entries_indexed", upgrade.ledger_entries_indexed}});
  }
}

void LogRecovery(const storage::OpenRecovery& recovery) {
  if (recovery.click_index) {
    Log(LogLevel::kWarn, "unclean stop: returning visitors' click index entries derived again",
        {{"clicks_read", recovery.clicks_read}});
  }
}

void LogCommitted(const storage::CommitterStats& committed) {
  const double mean_batch = committed.batches == 0 ? 0.0
                                                   : static_cast<double>(committed.events) /
                                                         static_cast<double>(committed.batches);
  Log(LogLevel::kInfo, "conversions committed",
      {{"events", committed.events},
       {"batches", committed.batches},
       {"mean_batch", JsonText(absl::StrFormat("%.2f", mean_batch))}});
}

// Signals and logs, before anything logs.
void InitProcess(const Config& config) {
  // A reader of stderr that goes away (`trackerd 2>&1 | …`) must not kill the daemon: writes
  // to the closed pipe fail with EPIPE instead.
  std::signal(SIGPIPE, SIG_IGN);
  InitLogging(config.log_level);
  SetAccessLogEvery(config.access_log_every);
}

// The store at --data (with an edge's ship log), or nullptr after saying why it did not open.
std::unique_ptr<storage::Store> OpenStore(const Config& config, IdGenerator& ids) {
  absl::StatusOr<std::unique_ptr<storage::Store>> store =
      storage::OpenRocksDbStore(StoreOptionsFor(config, &ids));
  if (!store.ok()) {
    Log(LogLevel::kError, "cannot open the store",
        {{"data", JsonText(config.data_dir)}, {"error", JsonText(store.status().message())}});
    std::cerr << "trackerd: " << store.status().message() << "\n";
    return nullptr;
  }
  return *std::move(store);
}

// What runs instead of the daemon: --help, --version, --restore-from, or a usage error (2).
std::optional<int> RunCommand(const absl::StatusOr<Config>& config) {
  if (!config.ok()) {
    std::cerr << "trackerd: " << config.status().message() << "\n" << kUsageLine << "\n";
    return 2;
  }
  if (config->help) {
    std::cout << HelpText();
    return 0;
  }
  if (config->version) {
    std::cout << "trackerd " << kVersion << " (commit " << kGitCommit << ")\n";
    return 0;
  }
  if (!config->restore_from.empty()) {
    return RunRestore(*config);
  }
  if (!config->backup_dir.empty()) {
    // Before the store opens: a daemon that cannot back up says so at once, not at 3 a.m.
    if (absl::Status writable = CheckBackupDir(config->backup_dir); !writable.ok()) {
      std::cerr << "trackerd: " << writable.message() << "\n";
      return 1;
    }
  }
  return std::nullopt;
}

int Main(int argc, char** argv) {
  absl::StatusOr<Config> config = ParseConfig(argc, argv, [](const char* name) {
    return std::getenv(name);  // NOLINT(concurrency-mt-unsafe): before any thread starts
  });
  if (const std::optional<int> status = RunCommand(config)) {
    return *status;
  }
  InitProcess(*config);
  const ScaleOutCheck scale_check = CheckScaleOut(*config);
  if (scale_check.exit_status.has_value()) {
    return *scale_check.exit_status;
  }

  IdGenerator ids;
  std::unique_ptr<storage::Store> store = OpenStore(*config, ids);
  if (store == nullptr) {
    return 1;
  }
  std::unique_ptr<ScaleOut> scale_out = ScaleOut::Make(*config, *store);
  absl::StatusOr<AdminToken> admin_token = ResolveAdminToken(*config);
  if (!admin_token.ok()) {
    Log(LogLevel::kError, "no admin token", {{"error", JsonText(admin_token.status().message())}});
    return 1;
  }

  const ConnectionLimit connections = ConnectionsWithinFdLimit(config->max_connections);
  // The public URL defaults to the bound address: bind first, then build the router.
  ServerOptions server_options = ServerOptionsFor(*config, connections, store->maintenance(),
                                                  ImportSpool(*config, admin_token->token));
  server_options.on_reload = ReloadSettings(std::vector<std::string>(argv, argv + argc), *config);
  Server server(std::move(server_options));
  absl::StatusOr<std::string> listen = server.Listen();
  if (!listen.ok()) {
    Log(LogLevel::kError, "cannot listen", {{"error", JsonText(listen.status().message())}});
    std::cerr << "trackerd: " << listen.status().message() << "\n";
    return 1;
  }
  RealClock clock;
  auto importer = std::make_unique<Importer>(
      ImportStores{store->config(), store->clicks(), store->committer(), clock});
  importer->Start();
  std::unique_ptr<BackupRunner> backups;
  if (!config->backup_dir.empty()) {
    backups = std::make_unique<BackupRunner>(store->maintenance(), config->backup_dir);
  }
  const ApiContext api(*store, clock, ids,
                       ApiOptionsFor(*config, admin_token->token, *listen, server, scale_out.get()),
                       importer.get(), backups.get());

  auto postbacks = std::make_unique<OutboxWorker>(store->outbox(), clock, PostbackOptions(*config));
  postbacks->Start();

  LogListening(*config, *listen, api.options.public_url);
  LogUpgrade(store->maintenance().format_upgrade());
  LogRecovery(store->maintenance().open_recovery());
  LogIfLowered(connections, config->max_connections);
  LogAdminToken(*admin_token);
  if (scale_out != nullptr && !scale_out->Start(scale_check)) {
    return 2;
  }

  // One handler per event loop, each with its own click batcher.
  server.Run([&api](PostToLoop post) {
    return NewApiHandler(api, std::make_unique<ClickBatcher>(api.clicks, std::move(post)));
  });

  LogCommitted(store->committer().committer_stats());
  postbacks.reset();  // after the batch in flight
  backups.reset();    // a backup in progress finishes
  importer.reset();   // an import in progress stops between two lines
  scale_out.reset();  // a run not acknowledged ships after the next start
  if (absl::Status status = store->maintenance().Flush(); !status.ok()) {
    Log(LogLevel::kError, "flush failed", {{"error", JsonText(status.ToString())}});
  }
  store.reset();
  Log(LogLevel::kInfo, "stopped");
  return 0;
}

}  // namespace
}  // namespace clicktrack::tracker

int main(int argc, char** argv) {
  try {
    return clicktrack::tracker::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "trackerd: fatal: " << e.what() << "\n";
    return 1;
  } catch (...) {
    std::cerr << "trackerd: fatal: unknown exception\n";
    return 1;
  }
}
