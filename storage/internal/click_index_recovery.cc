#include "storage/internal/click_index_recovery.h"

#include <memory>
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

#include "attribution/base/status_macros.h"
#include "storage/internal/click_records.h"
#include "storage/internal/record_codec.h"
#include "storage/internal/rocks_status.h"
#include "storage/key_codec.h"

namespace clicktrack::storage_internal {
namespace {

constexpr char kWatermarkKey[] = "click_index_watermark";
constexpr char kComplete[] = "complete";
constexpr size_t kRecoveryBatch = 4096;

// Stores the entries of the returning clicks from `from` on; returns how many clicks it read.
absl::StatusOr<size_t> StoreEntriesFrom(Database& database, absl::Time from) {
  const rocksdb::WriteOptions write;
  rocksdb::WriteBatch batch;
  ClickScratch scratch;
  storage::proto::Click record;
  size_t read = 0;
  std::unique_ptr<rocksdb::Iterator> it(
      database.db().NewIterator(rocksdb::ReadOptions(), database.family(kClicks)));
  const storage::KeyBuffer start = storage::ClickKey(attribution::Ulid::Make(from, 0, 0));
  for (it->Seek(ToSlice(start.view())); it->Valid(); it->Next()) {
    const std::optional<attribution::Ulid> id = attribution::Ulid::FromBinary(ToView(it->key()));
    if (!id.has_value() || !ParseRecord(ToView(it->value()), record, "click").ok()) {
      continue;  // not a click that the index could name
    }
    ++read;
    const attribution::Click click = FromProto(*id, record);
    if (HasCustomerClickEntry(click)) {
      const PendingClickIndex::Entry entry = CustomerClickEntry(click, scratch);
      batch.Put(database.family(kCustomerClicks), entry.key, entry.value);
    }
    if (batch.Count() >= kRecoveryBatch) {
      CLICKTRACK_RETURN_IF_ERROR(database.Write(write, &batch));
      batch.Clear();
    }
  }
  CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(it->status()));
  CLICKTRACK_RETURN_IF_ERROR(database.Write(write, &batch));
  return read;
}

}  // namespace

void PutClickIndexWatermark(absl::Time time, rocksdb::WriteBatch& batch, const Database& database) {
  batch.Put(database.family(kDefault), kWatermarkKey, absl::StrCat(absl::ToUnixMicros(time)));
}

void PutClickIndexComplete(rocksdb::WriteBatch& batch, const Database& database) {
  batch.Put(database.family(kDefault), kWatermarkKey, kComplete);
}

absl::StatusOr<std::optional<size_t>> RecoverClickIndex(Database& database, absl::Time now) {
  // Read into a string rather than through Database::Get's optional: GCC 12 under TSan warns
  // (-Wmaybe-uninitialized, an error in CI) on comparing that optional's string.
  std::string mark;
  const rocksdb::Status found =
      database.db().Get(rocksdb::ReadOptions(), database.family(kDefault), kWatermarkKey, &mark);
  if (!found.IsNotFound()) {
    CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(found));
  }
  std::optional<size_t> read;
  if (found.ok() && mark != kComplete) {
    int64_t micros = 0;
    if (!absl::SimpleAtoi(mark, &micros)) {
      return absl::DataLossError(absl::StrCat("the click index watermark is unreadable: ", mark));
    }
    CLICKTRACK_ASSIGN_OR_RETURN(read, StoreEntriesFrom(database, absl::FromUnixMicros(micros)));
  }
  rocksdb::WriteBatch batch;
  PutClickIndexWatermark(now, batch, database);
  CLICKTRACK_RETURN_IF_ERROR(database.Write(rocksdb::WriteOptions(), &batch));
  return read;
}

}  // namespace clicktrack::storage_internal
