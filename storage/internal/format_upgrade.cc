#include "storage/internal/format_upgrade.h"

#include <memory>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

#include "attribution/base/status_macros.h"
#include "storage/internal/families.h"
#include "storage/internal/payouts.h"
#include "storage/internal/record_codec.h"
#include "storage/internal/rocks_status.h"
#include "storage/records.pb.h"

namespace clicktrack::storage_internal {
namespace {

constexpr char kVersionKey[] = "format_version";
constexpr size_t kEntriesPerBatch = 4096;
// Ledger keys start with their program id's length (1 to 64); the indexes' tags are above it.
constexpr unsigned char kLongestProgramId = 64;

absl::StatusOr<int> ReadVersion(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* family) {
  std::string value;
  const rocksdb::Status read = db.Get(rocksdb::ReadOptions(), family, kVersionKey, &value);
  if (read.IsNotFound()) {
    return 1;
  }
  CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(read));
  int version = 0;
  if (!absl::SimpleAtoi(value, &version)) {
    return absl::DataLossError(absl::StrCat("the store's format_version is unreadable: ", value));
  }
  return version;
}

// Whether `family` holds no key: the config family of a directory never used.
bool IsEmpty(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* family) {
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions(), family));
  it->SeekToFirst();
  return !it->Valid();
}

// Version 1 → 2: an unpaid index entry for each ledger entry no payout settled.
absl::StatusOr<uint64_t> IndexUnpaidEntries(Database& database) {
  rocksdb::DB& db = database.db();
  rocksdb::ColumnFamilyHandle* ledger = database.family(kLedger);
  rocksdb::WriteOptions synced;
  synced.sync = true;
  rocksdb::WriteBatch batch;
  uint64_t indexed = 0;
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions(), ledger));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const rocksdb::Slice key = it->key();
    if (key.empty() || static_cast<unsigned char>(key[0]) > kLongestProgramId) {
      continue;  // an index entry, a payout or a receipt
    }
    proto::LedgerEntry record;
    if (!record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("a ledger entry is unreadable; the upgrade stopped");
    }
    if (!record.payout_id().empty()) {
      continue;
    }
    const attribution::LedgerEntry entry = FromProto("", attribution::Ulid(), record);
    batch.Put(ledger, "U" + key.ToString(), EncodeUnpaid(entry));
    if (++indexed % kEntriesPerBatch == 0) {
      CLICKTRACK_RETURN_IF_ERROR(database.Write(synced, &batch));
      batch.Clear();
    }
  }
  CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(it->status()));
  CLICKTRACK_RETURN_IF_ERROR(database.Write(synced, &batch));
  return indexed;
}

}  // namespace

absl::StatusOr<storage::FormatUpgrade> UpgradeFormat(Database& database) {
  rocksdb::ColumnFamilyHandle* versions = database.family(kDefault);
  CLICKTRACK_ASSIGN_OR_RETURN(const int found, ReadVersion(database.db(), versions));
  storage::FormatUpgrade upgrade{.from = found, .to = kFormatVersion};
  if (found > kFormatVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the data directory has format version ", found, ", newer than this build's ",
        kFormatVersion, ": run the newer build, or restore a backup made before the upgrade"));
  }
  if (found == kFormatVersion) {
    return upgrade;
  }
  const bool fresh = IsEmpty(database.db(), database.family(kConfig));
  CLICKTRACK_ASSIGN_OR_RETURN(upgrade.ledger_entries_indexed, IndexUnpaidEntries(database));
  if (fresh) {
    upgrade.from = kFormatVersion;  // a new directory: nothing was upgraded
  }
  rocksdb::WriteBatch done;
  done.Put(versions, kVersionKey, absl::StrCat(kFormatVersion));
  rocksdb::WriteOptions synced;
  synced.sync = true;
  CLICKTRACK_RETURN_IF_ERROR(database.Write(synced, &done));
  return upgrade;
}

}  // namespace clicktrack::storage_internal
