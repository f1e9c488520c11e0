#include "storage/rocksdb/ship_log.h"

#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"

#include "attribution/base/status_macros.h"
#include "storage/internal/record_codec.h"
#include "storage/internal/rocks_status.h"
#include "storage/key_codec.h"

namespace clicktrack::storage_internal {
namespace {

constexpr char kShippedKey[] = "ship_log_shipped";
// The first byte of a shipped click's bytes: their layout's version.
constexpr char kShippedClickFormat = 1;

std::optional<uint64_t> DecodePosition(absl::string_view key) {
  storage::KeyReader reader(key);
  int64_t position = 0;
  if (!reader.Int64(position) || !reader.done() || position < 0) {
    return std::nullopt;
  }
  return static_cast<uint64_t>(position);
}

// The last position shipped, as recorded (0: none).
absl::StatusOr<uint64_t> ReadShippedThrough(const Database& database) {
  CLICKTRACK_ASSIGN_OR_RETURN(const std::optional<std::string> value,
                              database.Get(kDefault, kShippedKey));
  if (!value.has_value()) {
    return 0;
  }
  const std::optional<uint64_t> position = DecodePosition(*value);
  if (!position.has_value()) {
    return absl::DataLossError("the ship log's shipped position is unreadable");
  }
  return *position;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RocksDbShipLog>> RocksDbShipLog::Open(Database& database) {
  CLICKTRACK_ASSIGN_OR_RETURN(const uint64_t shipped, ReadShippedThrough(database));
  uint64_t last = shipped;
  uint64_t backlog = 0;
  std::unique_ptr<rocksdb::Iterator> it(
      database.db().NewIterator(rocksdb::ReadOptions(), database.family(kShipLog)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::optional<uint64_t> position = DecodePosition(ToView(it->key()));
    if (position.has_value()) {
      last = std::max(last, *position);
      ++backlog;
    }
  }
  CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(it->status()));
  return std::unique_ptr<RocksDbShipLog>(new RocksDbShipLog(database, last + 1, shipped, backlog));
}

RocksDbShipLog::RocksDbShipLog(Database& database, uint64_t next, uint64_t shipped_through,
                               uint64_t backlog)
    : database_(database), positions_(next), shipped_through_(shipped_through), backlog_(backlog) {}

uint64_t RocksDbShipLog::AddEntries(absl::Span<const attribution::Click> clicks,
                                    ClickScratch& scratch, rocksdb::WriteBatch& batch) {
  const uint64_t first = positions_.BeginWrite(clicks.size());
  for (size_t i = 0; i < clicks.size(); ++i) {
    FillProto(clicks[i], scratch.click);
    scratch.value.assign(1, kShippedClickFormat);
    const std::array<char, attribution::Ulid::kBinarySize> id = clicks[i].id.Binary();
    scratch.value.append(id.data(), id.size());
    scratch.click.AppendToString(&scratch.value);
    const storage::KeyBuffer key = storage::KeyBuffer().Int64(static_cast<int64_t>(first + i));
    batch.Put(database_.family(kShipLog), ToSlice(key.view()), scratch.value);
  }
  return first;
}

void RocksDbShipLog::EndWrite(uint64_t first, uint64_t count, bool written) {
  if (written) {
    backlog_.fetch_add(count, std::memory_order_relaxed);
  }
  positions_.EndWrite(first);
}

absl::StatusOr<std::vector<storage::ShippedClick>> RocksDbShipLog::ReadShippable(
    uint64_t after, size_t most) const {
  const uint64_t settled = positions_.SettledBefore();
  std::vector<storage::ShippedClick> entries;
  std::unique_ptr<rocksdb::Iterator> it(
      database_.db().NewIterator(rocksdb::ReadOptions(), database_.family(kShipLog)));
  const storage::KeyBuffer start = storage::KeyBuffer().Int64(static_cast<int64_t>(after + 1));
  for (it->Seek(ToSlice(start.view())); it->Valid() && entries.size() < most; it->Next()) {
    const std::optional<uint64_t> position = DecodePosition(ToView(it->key()));
    if (!position.has_value()) {
      return absl::DataLossError("a ship log key is unreadable");
    }
    if (*position >= settled) {
      break;
    }
    CLICKTRACK_ASSIGN_OR_RETURN(const attribution::Click click,
                                storage::DecodeShippedClick(ToView(it->value())));
    entries.push_back({.position = *position,
                       .program_id = click.program_id,
                       .bytes = std::string(ToView(it->value()))});
  }
  CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(it->status()));
  return entries;
}

absl::Status RocksDbShipLog::MarkShipped(uint64_t through, uint64_t count) {
  rocksdb::WriteBatch batch;
  const storage::KeyBuffer from = storage::KeyBuffer().Int64(0);
  const storage::KeyBuffer to = storage::KeyBuffer().Int64(static_cast<int64_t>(through + 1));
  batch.DeleteRange(database_.family(kShipLog), ToSlice(from.view()), ToSlice(to.view()));
  const storage::KeyBuffer shipped = storage::KeyBuffer().Int64(static_cast<int64_t>(through));
  batch.Put(database_.family(kDefault), kShippedKey, ToSlice(shipped.view()));
  CLICKTRACK_RETURN_IF_ERROR(database_.Write(rocksdb::WriteOptions(), &batch));
  shipped_through_.store(through, std::memory_order_relaxed);
  backlog_.fetch_sub(std::min(count, backlog_.load(std::memory_order_relaxed)),
                     std::memory_order_relaxed);
  return absl::OkStatus();
}

}  // namespace clicktrack::storage_internal

namespace clicktrack::storage {

absl::StatusOr<attribution::Click> DecodeShippedClick(absl::string_view bytes) {
  using storage_internal::kShippedClickFormat;
  if (bytes.size() < 1 + attribution::Ulid::kBinarySize || bytes[0] != kShippedClickFormat) {
    return absl::DataLossError("not a shipped click (unknown format byte or too short)");
  }
  const std::optional<attribution::Ulid> id =
      attribution::Ulid::FromBinary(bytes.substr(1, attribution::Ulid::kBinarySize));
  proto::Click record;
  if (!id.has_value() ||
      !record.ParseFromArray(bytes.data() + 1 + attribution::Ulid::kBinarySize,
                             static_cast<int>(bytes.size() - 1 - attribution::Ulid::kBinarySize))) {
    return absl::DataLossError("a shipped click's record is unreadable");
  }
  return storage_internal::FromProto(*id, record);
}

}  // namespace clicktrack::storage
