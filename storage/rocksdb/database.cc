#include "storage/rocksdb/database.h"

#include <chrono>
#include <mutex>

#include "attribution/base/status_macros.h"
#include "storage/internal/rocks_status.h"

namespace clicktrack::storage_internal {
namespace {

#if defined(__SANITIZE_THREAD__)
constexpr bool kThreadSanitizer = true;
#else
constexpr bool kThreadSanitizer = false;
#endif

}  // namespace

Database::Database(std::unique_ptr<rocksdb::DB> db,
                   std::vector<rocksdb::ColumnFamilyHandle*> families)
    : db_(std::move(db)), families_(std::move(families)) {
  recovery_ = std::make_unique<WriteRecovery>(*db_, last_write_failed_, std::chrono::seconds(1));
}

Database::~Database() {
  recovery_.reset();
  (void)FlushWal();
  for (rocksdb::ColumnFamilyHandle* family : families_) {
    (void)db_->DestroyColumnFamilyHandle(family);
  }
  (void)db_->Close();
}

absl::Status Database::Write(const rocksdb::WriteOptions& options, rocksdb::WriteBatch* batch) {
  rocksdb::Status written;
  if constexpr (kThreadSanitizer) {
    // RocksDB's write queue applies writes one group at a time, but Debian's librocksdb is not
    // instrumented, so ThreadSanitizer cannot see that order and reports a race between
    // consecutive writers. A TSan build takes this lock, which TSan sees, in the queue's place.
    static std::mutex write_queue;
    std::lock_guard lock(write_queue);
    written = db_->Write(options, batch);
  } else {
    written = db_->Write(options, batch);
  }
  const absl::Status status = FromRocksStatus(written);
  last_write_failed_.store(!status.ok(), std::memory_order_relaxed);
  if (!status.ok()) {
    recovery_->OnWriteFailed();
  }
  return status;
}

absl::StatusOr<std::optional<std::string>> Database::Get(Family family,
                                                         absl::string_view key) const {
  std::string value;
  const rocksdb::Status status =
      db_->Get(rocksdb::ReadOptions(), families_[family], ToSlice(key), &value);
  if (status.IsNotFound()) {
    return std::nullopt;
  }
  CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(status));
  return value;
}

absl::Status Database::FlushWal() {
  if (last_write_failed()) {
    // Whatever the log still holds was never acknowledged.
    return absl::UnavailableError("the store is not accepting writes; nothing to flush");
  }
  return FromRocksStatus(db_->FlushWAL(/*sync=*/true));
}

}  // namespace clicktrack::storage_internal
