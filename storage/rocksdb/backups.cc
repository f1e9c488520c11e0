// Backups with RocksDB's BackupEngine: CreateBackup and ListBackups of RocksDbMaintenance, and
// the restore of a backup into a new data directory.

#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "rocksdb/env.h"
#include "rocksdb/utilities/backup_engine.h"

#include "attribution/base/status_macros.h"
#include "storage/internal/rocks_status.h"
#include "storage/rocksdb/maintenance.h"

namespace clicktrack::storage_internal {
namespace {

storage::BackupInfo FromRocks(const rocksdb::BackupInfo& info) {
  return storage::BackupInfo{.id = info.backup_id,
                             .created = absl::FromUnixSeconds(info.timestamp),
                             .size_bytes = info.size,
                             .files = info.number_files};
}

rocksdb::BackupEngineOptions EngineOptions(const std::string& dir) {
  rocksdb::BackupEngineOptions options(dir);
  options.share_table_files = true;  // incremental: an SST file already backed up is shared
  options.share_files_with_checksum = true;
  options.sync = true;
  return options;
}

// BackupEngine keeps a `meta` directory in every directory it has written to.
bool HoldsBackups(const std::string& dir) {
  std::error_code ec;
  return std::filesystem::is_directory(std::filesystem::path(dir) / "meta", ec);
}

absl::StatusOr<std::unique_ptr<rocksdb::BackupEngineReadOnly>> OpenReadOnly(
    const std::string& dir) {
  rocksdb::BackupEngineReadOnly* opened = nullptr;
  const rocksdb::IOStatus open =
      rocksdb::BackupEngineReadOnly::Open(EngineOptions(dir), rocksdb::Env::Default(), &opened);
  if (!open.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot read the backup directory ", dir, ": ", open.ToString()));
  }
  return std::unique_ptr<rocksdb::BackupEngineReadOnly>(opened);
}

// Asks for a flush of every memtable and waits up to kFlushWait for it, so that a backup is
// mostly SST files, which later backups share, and a short write-ahead log, which each backup
// copies. Not BackupEngine's own flush_before_backup: that waits for the flush however long it
// takes, and the flush pool runs at SCHED_IDLE, which another busy process can starve. When
// the wait runs out the backup copies the longer log instead: still complete, only larger.
constexpr absl::Duration kFlushWait = absl::Seconds(10);

void FlushBriefly(Database& database) {
  rocksdb::DB& db = database.db();
  rocksdb::FlushOptions flush;
  flush.wait = false;
  flush.allow_write_stall = true;
  (void)db.Flush(flush, database.families());
  const absl::Time deadline = absl::Now() + kFlushWait;
  while (absl::Now() < deadline) {
    uint64_t unflushed = 0;
    for (rocksdb::ColumnFamilyHandle* family : database.families()) {
      uint64_t immutable = 0;
      (void)db.GetIntProperty(family, rocksdb::DB::Properties::kNumImmutableMemTable, &immutable);
      unflushed += immutable;
    }
    if (unflushed == 0) {
      return;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
}

absl::Status Unwritable(const std::string& dir, const rocksdb::IOStatus& status) {
  return absl::FailedPreconditionError(
      absl::StrCat("cannot write the backup directory ", dir, ": ", status.ToString()));
}

}  // namespace

absl::StatusOr<storage::BackupInfo> RocksDbMaintenance::CreateBackup(const std::string& dir,
                                                                     uint32_t keep) {
  rocksdb::BackupEngine* opened = nullptr;
  const rocksdb::IOStatus open =
      rocksdb::BackupEngine::Open(EngineOptions(dir), rocksdb::Env::Default(), &opened);
  if (!open.ok()) {
    return Unwritable(dir, open);
  }
  const std::unique_ptr<rocksdb::BackupEngine> engine(opened);
  FlushBriefly(database_);
  rocksdb::CreateBackupOptions create;
  create.flush_before_backup = false;  // FlushBriefly did what could be done in time
  rocksdb::BackupID id = 0;
  if (const rocksdb::IOStatus made = engine->CreateNewBackup(create, &database_.db(), &id);
      !made.ok()) {
    return made.IsIOError() ? Unwritable(dir, made) : FromRocksStatus(made);
  }
  if (keep > 0) {
    CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(engine->PurgeOldBackups(keep)));
  }
  rocksdb::BackupInfo info;
  CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(engine->GetBackupInfo(id, &info)));
  return FromRocks(info);
}

absl::StatusOr<std::vector<storage::BackupInfo>> RocksDbMaintenance::ListBackups(
    const std::string& dir) const {
  std::vector<storage::BackupInfo> backups;
  if (!HoldsBackups(dir)) {
    return backups;
  }
  CLICKTRACK_ASSIGN_OR_RETURN(const std::unique_ptr<rocksdb::BackupEngineReadOnly> engine,
                              OpenReadOnly(dir));
  std::vector<rocksdb::BackupInfo> infos;
  engine->GetBackupInfo(&infos);
  for (const rocksdb::BackupInfo& info : infos) {
    backups.push_back(FromRocks(info));
  }
  return backups;
}

}  // namespace clicktrack::storage_internal

namespace clicktrack::storage {

absl::Status RestoreRocksDbBackup(const std::string& backup_dir, std::optional<uint32_t> id,
                                  const std::string& data_dir) {
  std::error_code ec;
  if (std::filesystem::exists(data_dir, ec) && !std::filesystem::is_empty(data_dir, ec)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "refusing to restore into ", data_dir, ": it is not empty (restore into a new directory)"));
  }
  if (!std::filesystem::is_directory(backup_dir, ec)) {
    return absl::NotFoundError(absl::StrCat("no backup directory ", backup_dir));
  }
  if (!storage_internal::HoldsBackups(backup_dir)) {
    return absl::NotFoundError(absl::StrCat(backup_dir, " holds no backup"));
  }
  CLICKTRACK_ASSIGN_OR_RETURN(const std::unique_ptr<rocksdb::BackupEngineReadOnly> engine,
                              storage_internal::OpenReadOnly(backup_dir));
  std::vector<rocksdb::BackupInfo> infos;
  engine->GetBackupInfo(&infos);
  if (infos.empty()) {
    return absl::NotFoundError(absl::StrCat(backup_dir, " holds no backup"));
  }
  const uint32_t chosen = id.value_or(infos.back().backup_id);
  if (std::none_of(infos.begin(), infos.end(),
                   [&](const rocksdb::BackupInfo& info) { return info.backup_id == chosen; })) {
    return absl::NotFoundError(absl::StrCat(backup_dir, " holds no backup ", chosen, " (it has ",
                                            infos.front().backup_id, " to ", infos.back().backup_id,
                                            ")"));
  }
  if (const rocksdb::IOStatus verified =
          engine->VerifyBackup(chosen, /*verify_with_checksum=*/true);
      !verified.ok()) {
    return absl::DataLossError(
        absl::StrCat("backup ", chosen, " of ", backup_dir, " is damaged: ", verified.ToString()));
  }
  return storage_internal::FromRocksStatus(engine->RestoreDBFromBackup(chosen, data_dir, data_dir));
}

}  // namespace clicktrack::storage
