// Backups with RocksDB's BackupEngine: CreateBackup and ListBackups of RocksDbMaintenance, and
// the restore of a backup into a new data directory.

#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
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
  rocksdb::CreateBackupOptions create;
  // Memtables are flushed first (by the flush pool, beside the writes), so that the backup is
  // SST files only, which later backups share, instead of a copy of the write-ahead log each.
  create.flush_before_backup = true;
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
  rocksdb::BackupEngineReadOnly* opened = nullptr;
  if (const rocksdb::IOStatus open =
          rocksdb::BackupEngineReadOnly::Open(EngineOptions(dir), rocksdb::Env::Default(), &opened);
      !open.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot read the backup directory ", dir, ": ", open.ToString()));
  }
  const std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(opened);
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
  rocksdb::BackupEngineReadOnly* opened = nullptr;
  if (const rocksdb::IOStatus open = rocksdb::BackupEngineReadOnly::Open(
          storage_internal::EngineOptions(backup_dir), rocksdb::Env::Default(), &opened);
      !open.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot read the backup directory ", backup_dir, ": ", open.ToString()));
  }
  const std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(opened);
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
