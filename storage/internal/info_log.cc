#include "storage/internal/info_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

#include <sys/syscall.h>

namespace clicktrack::storage_internal {
namespace {

namespace fs = std::filesystem;

const char* LevelName(rocksdb::InfoLogLevel level) {
  switch (level) {
    case rocksdb::InfoLogLevel::DEBUG_LEVEL:
      return "DEBUG";
    case rocksdb::InfoLogLevel::INFO_LEVEL:
      return "INFO";
    case rocksdb::InfoLogLevel::WARN_LEVEL:
      return "WARN";
    case rocksdb::InfoLogLevel::ERROR_LEVEL:
      return "ERROR";
    case rocksdb::InfoLogLevel::FATAL_LEVEL:
      return "FATAL";
    default:
      return "HEADER";
  }
}

class AppendOnlyLogger final : public rocksdb::Logger {
 public:
  explicit AppendOnlyLogger(int fd) : rocksdb::Logger(rocksdb::InfoLogLevel::INFO_LEVEL), fd_(fd) {}
  ~AppendOnlyLogger() override { ::close(fd_); }

  using rocksdb::Logger::Logv;
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (level < GetInfoLogLevel()) {
      return;
    }
    // "2026/12/02-12:55:06.633863 20521 [WARN] message", as RocksDB's own logger writes.
    char line[8192];
    const std::string prefix =
        absl::StrCat(absl::FormatTime("%Y/%m/%d-%H:%M:%E6S", absl::Now(), absl::UTCTimeZone()), " ",
                     ::syscall(SYS_gettid), " [", LevelName(level), "] ");
    const size_t start = std::min(prefix.size(), sizeof(line) - 2);
    std::copy_n(prefix.data(), start, line);
    const int written = std::vsnprintf(line + start, sizeof(line) - start - 1, format, ap);
    size_t size = start + (written < 0 ? 0 : std::min<size_t>(written, sizeof(line) - start - 2));
    line[size++] = '\n';
    // One write(2) per line with O_APPEND: lines of concurrent threads never interleave. A
    // failure (a full disk) drops the line.
    (void)::write(fd_, line, size);
  }

 private:
  const int fd_;
};

// Whether another process holds RocksDB's lock on `dir` (then its LOG is in use).
bool LockedByAnother(const fs::path& dir) {
  const int fd = ::open((dir / "LOCK").c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    return false;
  }
  struct flock probe {};
  probe.l_type = F_WRLCK;
  probe.l_whence = SEEK_SET;
  const bool locked = ::fcntl(fd, F_GETLK, &probe) == 0 && probe.l_type != F_UNLCK;
  ::close(fd);
  return locked;
}

// Keeps `path` as `path`.old.<micros>, and the newest `keep_old` of those.
void RotateOld(const fs::path& path, size_t keep_old) {
  std::error_code ec;
  if (fs::exists(path, ec)) {
    fs::rename(path, absl::StrCat(path.string(), ".old.", absl::ToUnixMicros(absl::Now())), ec);
  }
  std::vector<fs::path> old;
  for (const fs::directory_entry& entry : fs::directory_iterator(path.parent_path(), ec)) {
    if (absl::StartsWith(entry.path().filename().string(), "LOG.old.")) {
      old.push_back(entry.path());
    }
  }
  std::sort(old.begin(), old.end());  // same number of digits: oldest first
  for (size_t i = 0; i + keep_old < old.size(); ++i) {
    fs::remove(old[i], ec);
  }
}

}  // namespace

std::shared_ptr<rocksdb::Logger> OpenInfoLog(const std::string& dir, size_t keep_old) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path path = fs::path(dir) / "LOG";
  if (!LockedByAnother(dir)) {
    RotateOld(path, keep_old);
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    return nullptr;
  }
  return std::make_shared<AppendOnlyLogger>(fd);
}

}  // namespace clicktrack::storage_internal
