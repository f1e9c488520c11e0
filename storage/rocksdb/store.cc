// The RocksDB store: one database shared by a class per role (storage/store.h).

#include "storage/store.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"

#include "attribution/base/status_macros.h"
#include "storage/internal/format_upgrade.h"
#include "storage/internal/rocks_status.h"
#include "storage/internal/wal_check.h"
#include "storage/rocksdb/click_log.h"
#include "storage/rocksdb/committer.h"
#include "storage/rocksdb/config_store.h"
#include "storage/rocksdb/database.h"
#include "storage/rocksdb/maintenance.h"
#include "storage/rocksdb/options.h"
#include "storage/rocksdb/outbox.h"
#include "storage/rocksdb/report_reader.h"
#include "storage/rocksdb/ship_log.h"

namespace clicktrack::storage {
namespace {

using storage_internal::Database;

// Members are destroyed in reverse: the committer first (it decides and writes what is
// queued), the database last (it flushes the write-ahead log and closes).
class RocksDbStore final : public Store {
 public:
  RocksDbStore(std::unique_ptr<rocksdb::DB> db, std::vector<rocksdb::ColumnFamilyHandle*> families,
               const StoreOptions& options)
      : database_(std::move(db), std::move(families)),
        config_(database_),
        clicks_(database_),
        reports_(database_),
        maintenance_(database_),
        outbox_(database_),
        committer_(database_, config_, clicks_.pending(), options.ids, options.max_batch),
        ship_clicks_(options.ship_clicks),
        ship_config_(options.ship_config) {}

  // Upgrades an older data directory's format, derives the click index entries a crash left
  // pending, opens a cluster node's ship log, then loads the config cache.
  absl::Status Load() {
    CLICKTRACK_ASSIGN_OR_RETURN(const FormatUpgrade upgrade,
                                storage_internal::UpgradeFormat(database_));
    maintenance_.set_format_upgrade(upgrade);
    CLICKTRACK_ASSIGN_OR_RETURN(const storage::OpenRecovery recovery, clicks_.Recover());
    maintenance_.set_open_recovery(recovery);
    if (ship_clicks_ || ship_config_) {
      CLICKTRACK_ASSIGN_OR_RETURN(ship_log_, storage_internal::RocksDbShipLog::Open(database_));
    }
    if (ship_clicks_) {
      clicks_.set_ship_log(ship_log_.get());
    }
    if (ship_config_) {
      config_.set_ship_log(ship_log_.get());
    }
    return config_.Load();
  }

  ConfigStore& config() override { return config_; }
  ClickLog& clicks() override { return clicks_; }
  ConversionCommitter& committer() override { return committer_; }
  ReportReader& reports() override { return reports_; }
  Maintenance& maintenance() override { return maintenance_; }
  Outbox& outbox() override { return outbox_; }
  ShipLog* ship_log() override { return ship_log_.get(); }
  ConfigReplica* config_replica() override { return &config_; }

 private:
  Database database_;
  storage_internal::RocksDbConfigStore config_;
  storage_internal::RocksDbClickLog clicks_;
  storage_internal::RocksDbReportReader reports_;
  storage_internal::RocksDbMaintenance maintenance_;
  storage_internal::RocksDbOutbox outbox_;
  storage_internal::RocksDbCommitter committer_;
  bool ship_clicks_ = false;
  bool ship_config_ = false;
  std::unique_ptr<storage_internal::RocksDbShipLog> ship_log_;  // with either
};

// Why the store at `path` did not open, for an operator: another trackerd holds it, or it is
// damaged (with the first damaged write-ahead log record named), or RocksDB's own reason.
absl::Status OpenError(const rocksdb::Status& status, const std::string& path) {
  if (status.IsIOError() && absl::StrContains(status.ToString(), "lock")) {
    return absl::FailedPreconditionError(absl::StrCat(
        "data directory ", path, " is in use by another trackerd (", status.ToString(), ")"));
  }
  if (status.IsCorruption()) {
    const std::optional<std::string> damage = storage_internal::FindWalDamage(path);
    return absl::DataLossError(absl::StrCat(
        "the store is damaged and was not opened (", status.ToString(), ")",
        damage.has_value() ? absl::StrCat("; first damaged write-ahead log record: ", *damage) : "",
        "; restore a backup, or move the damaged file away knowing that the writes in it and "
        "after it are lost"));
  }
  return storage_internal::FromRocksStatus(status);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenRocksDbStore(const StoreOptions& options) {
  rocksdb::DB* raw = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  const rocksdb::Status status = rocksdb::DB::Open(
      rocksdb::DBOptions(storage_internal::DatabaseOptions(options.path)), options.path,
      storage_internal::FamilyDescriptors(options.block_cache_bytes), &handles, &raw);
  if (!status.ok()) {
    return OpenError(status, options.path);
  }
  auto store = std::make_unique<RocksDbStore>(std::unique_ptr<rocksdb::DB>(raw), std::move(handles),
                                              options);
  CLICKTRACK_RETURN_IF_ERROR(store->Load());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace clicktrack::storage
