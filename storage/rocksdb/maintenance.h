#pragma once

// Maintenance on RocksDB: compaction, size, health and the write-ahead log.

#include "storage/rocksdb/database.h"
#include "storage/store.h"

namespace clicktrack::storage_internal {

class RocksDbMaintenance final : public storage::Maintenance {
 public:
  explicit RocksDbMaintenance(Database& database) : database_(database) {}

  absl::Status CompactAll() override;
  uint64_t SstBytes() const override;
  bool IsWritable() const override;
  BackgroundWork PendingBackgroundWork() const override;
  EngineStats ReadEngineStats() const override;
  absl::StatusOr<storage::BackupInfo> CreateBackup(const std::string& dir, uint32_t keep) override;
  absl::StatusOr<std::vector<storage::BackupInfo>> ListBackups(
      const std::string& dir) const override;
  absl::Status Flush() override { return database_.FlushWal(); }
  storage::FormatUpgrade format_upgrade() const override { return upgrade_; }
  void set_format_upgrade(const storage::FormatUpgrade& upgrade) { upgrade_ = upgrade; }
  storage::OpenRecovery open_recovery() const override { return recovery_; }
  void set_open_recovery(const storage::OpenRecovery& recovery) { recovery_ = recovery; }

 private:
  Database& database_;
  storage::FormatUpgrade upgrade_;
  storage::OpenRecovery recovery_;
};

}  // namespace clicktrack::storage_internal
