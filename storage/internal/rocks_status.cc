#include "storage/internal/rocks_status.h"

#include "absl/strings/str_cat.h"

namespace clicktrack::storage_internal {

absl::Status FromRocksStatus(const rocksdb::Status& status) {
  if (status.ok()) {
    return absl::OkStatus();
  }
  const std::string message = absl::StrCat("rocksdb: ", status.ToString());
  switch (status.code()) {
    case rocksdb::Status::kNotFound:
      return absl::NotFoundError(message);
    case rocksdb::Status::kCorruption:
      return absl::DataLossError(message);
    case rocksdb::Status::kInvalidArgument:
    case rocksdb::Status::kNotSupported:
      return absl::InternalError(message);  // our misuse, not the client's input
    case rocksdb::Status::kBusy:
    case rocksdb::Status::kTimedOut:
    case rocksdb::Status::kTryAgain:
    case rocksdb::Status::kIncomplete:
      return absl::UnavailableError(message);
    case rocksdb::Status::kIOError:
      return absl::UnavailableError(message);
    default:
      return absl::InternalError(message);
  }
}

}  // namespace clicktrack::storage_internal
