#include "tracker/operations.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"

#include "storage/store.h"

#include <sys/statvfs.h>

namespace clicktrack::tracker {

int RunRestore(const Config& config) {
  const absl::Status restored =
      storage::RestoreRocksDbBackup(config.restore_from, config.backup_id, config.data_dir);
  if (!restored.ok()) {
    std::cerr << "trackerd: restore failed: " << restored.message() << "\n";
    return 1;
  }
  std::cout << "trackerd: restored "
            << (config.backup_id.has_value() ? absl::StrCat("backup ", *config.backup_id)
                                             : std::string("the newest backup"))
            << " of " << config.restore_from << " into " << config.data_dir
            << "; start trackerd with --data " << config.data_dir << "\n";
  return 0;
}

absl::Status CheckBackupDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("--backup-dir ", dir, " cannot be created: ", ec.message()));
  }
  const std::string probe = (std::filesystem::path(dir) / ".trackerd-write-probe").string();
  {
    std::ofstream out(probe, std::ios::trunc);
    out << "probe\n";
    out.flush();
    if (!out) {
      return absl::FailedPreconditionError(
          absl::StrCat("--backup-dir ", dir, " is not writable by this user"));
    }
  }
  std::filesystem::remove(probe, ec);
  return absl::OkStatus();
}

std::function<void()> ReloadSettings(std::vector<std::string> args, const Config& config) {
  if (config.env_file.empty()) {
    return nullptr;
  }
  return [args = std::move(args), env_file = config.env_file] {
    absl::StatusOr<std::vector<std::pair<std::string, std::string>>> values = ReadEnvFile(env_file);
    if (!values.ok()) {
      Log(LogLevel::kError, "SIGHUP: settings not reloaded",
          {{"env_file", JsonText(env_file)}, {"error", JsonText(values.status().message())}});
      return;
    }
    const std::map<std::string, std::string> file(values->begin(), values->end());
    std::vector<const char*> argv;
    for (const std::string& arg : args) {
      argv.push_back(arg.c_str());
    }
    const absl::StatusOr<Config> config =
        ParseConfig(static_cast<int>(argv.size()), argv.data(), [&file](const char* name) {
          const auto found = file.find(name);
          // NOLINTNEXTLINE(concurrency-mt-unsafe): nothing sets the environment after start
          return found != file.end() ? found->second.c_str() : std::getenv(name);
        });
    if (!config.ok()) {
      Log(LogLevel::kError, "SIGHUP: settings not reloaded",
          {{"env_file", JsonText(env_file)}, {"error", JsonText(config.status().message())}});
      return;
    }
    SetLogLevel(config->log_level);
    SetAccessLogEvery(config->access_log_every);
    LogAtAnyLevel("settings reloaded", {{"env_file", JsonText(env_file)},
                                        {"log_level", JsonText(LogLevelName(config->log_level))},
                                        {"access_log_every", config->access_log_every},
                                        {"note", "other settings take a restart"}});
  };
}

void WriteDaemonMetrics(MetricsText& out, absl::string_view version, absl::string_view commit,
                        const std::string& data_dir) {
  out.Family("clicktrack_build_info", "gauge", "Always 1; the labels name the running build.");
  out.Sample("clicktrack_build_info", {{"version", version}, {"commit", commit}}, uint64_t{1});
  struct statvfs fs {};
  if (statvfs(data_dir.c_str(), &fs) != 0) {
    return;
  }
  const auto block = static_cast<double>(fs.f_frsize);
  out.Family("clicktrack_data_filesystem_size_bytes", "gauge",
             "Size of the file system holding the data directory.");
  out.Sample("clicktrack_data_filesystem_size_bytes", {}, static_cast<double>(fs.f_blocks) * block);
  out.Family("clicktrack_data_filesystem_avail_bytes", "gauge",
             "Bytes of that file system this user may still write.");
  out.Sample("clicktrack_data_filesystem_avail_bytes", {},
             static_cast<double>(fs.f_bavail) * block);
}

}  // namespace clicktrack::tracker
