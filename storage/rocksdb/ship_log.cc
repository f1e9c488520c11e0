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
// An entry's first byte: what it holds, and its layout's version.
constexpr char kClickEntry = 1;
constexpr char kConfigPutEntry = 2;
constexpr char kConfigDeleteEntry = 3;

// Kept by each thread that writes clicks, overwritten per click: no allocation once warm.
std::string& EntryScratch() {
  thread_local std::string value;
  return value;
}

// A click entry's program id (its Kafka key), or nullopt if `bytes` is no click entry.
std::optional<absl::string_view> ClickProgram(absl::string_view bytes) {
  if (bytes.size() < 2 || bytes[0] != kClickEntry) {
    return std::nullopt;
  }
  const size_t length = static_cast<unsigned char>(bytes[1]);
  if (bytes.size() < 2 + length + attribution::Ulid::kBinarySize) {
    return std::nullopt;
  }
  return bytes.substr(2, length);
}

std::optional<storage::ShipEntry> DecodeEntry(absl::string_view bytes) {
  if (const std::optional<absl::string_view> program = ClickProgram(bytes)) {
    return storage::ShipEntry{.topic = storage::ShipTopic::kClicks,
                              .key = std::string(*program),
                              .value = std::string(bytes)};
  }
  if (bytes.size() < 3 || (bytes[0] != kConfigPutEntry && bytes[0] != kConfigDeleteEntry)) {
    return std::nullopt;
  }
  const size_t length = static_cast<size_t>(static_cast<unsigned char>(bytes[1])) << 8 |
                        static_cast<unsigned char>(bytes[2]);
  if (bytes.size() < 3 + length) {
    return std::nullopt;
  }
  storage::ShipEntry entry{.topic = storage::ShipTopic::kConfig,
                           .key = std::string(bytes.substr(3, length))};
  if (bytes[0] == kConfigPutEntry) {
    entry.value = std::string(bytes.substr(3 + length));
  }
  return entry;
}

std::optional<uint64_t> DecodePosition(absl::string_view key) {
  uint64_t position = 0;
  return storage::DecodeShipLogKey(key, position) ? std::optional<uint64_t>(position)
                                                  : std::nullopt;
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
  const storage::KeyBuffer start = storage::ShipLogKey(shipped + 1);
  for (it->Seek(ToSlice(start.view())); it->Valid(); it->Next()) {
    const std::optional<uint64_t> position = DecodePosition(ToView(it->key()));
    if (position.has_value()) {
      last = *position;
      ++backlog;
    }
  }
  CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(it->status()));
  return std::unique_ptr<RocksDbShipLog>(new RocksDbShipLog(database, last + 1, shipped, backlog));
}

RocksDbShipLog::RocksDbShipLog(Database& database, uint64_t next, uint64_t shipped_through,
                               uint64_t backlog)
    : database_(database), positions_(next), shipped_through_(shipped_through), backlog_(backlog) {}

uint64_t RocksDbShipLog::AddClicks(absl::Span<const attribution::Click> clicks,
                                   absl::Span<const std::string> records,
                                   rocksdb::WriteBatch& batch) {
  const uint64_t first = positions_.BeginWrite(clicks.size());
  std::string& value = EntryScratch();
  for (size_t i = 0; i < clicks.size(); ++i) {
    const attribution::Click& click = clicks[i];
    value.assign(1, kClickEntry);
    value.push_back(static_cast<char>(click.program_id.size()));  // ids are at most 64 bytes
    value.append(click.program_id);
    const std::array<char, attribution::Ulid::kBinarySize> id = click.id.Binary();
    value.append(id.data(), id.size());
    value.append(records[i]);
    const storage::KeyBuffer key = storage::ShipLogKey(first + i);
    batch.Put(database_.family(kShipLog), ToSlice(key.view()), value);
  }
  return first;
}

uint64_t RocksDbShipLog::AddConfig(absl::string_view key, std::optional<absl::string_view> value,
                                   rocksdb::WriteBatch& batch) {
  const uint64_t first = positions_.BeginWrite(1);
  std::string entry(1, value.has_value() ? kConfigPutEntry : kConfigDeleteEntry);
  entry.push_back(static_cast<char>(key.size() >> 8));
  entry.push_back(static_cast<char>(key.size() & 0xff));
  entry.append(key.data(), key.size());
  if (value.has_value()) {
    entry.append(value->data(), value->size());
  }
  const storage::KeyBuffer position = storage::ShipLogKey(first);
  batch.Put(database_.family(kShipLog), ToSlice(position.view()), entry);
  return first;
}

void RocksDbShipLog::EndWrite(uint64_t first, uint64_t count, bool written) {
  if (written) {
    backlog_.fetch_add(count, std::memory_order_relaxed);
  }
  positions_.EndWrite(first);
}

absl::StatusOr<std::vector<storage::ShipEntry>> RocksDbShipLog::ReadShippable(uint64_t after,
                                                                              size_t most) const {
  const uint64_t settled = positions_.SettledBefore();
  std::vector<storage::ShipEntry> entries;
  std::unique_ptr<rocksdb::Iterator> it(
      database_.db().NewIterator(rocksdb::ReadOptions(), database_.family(kShipLog)));
  const uint64_t from = std::max(after, shipped_through()) + 1;
  const storage::KeyBuffer start = storage::ShipLogKey(from);
  for (it->Seek(ToSlice(start.view())); it->Valid() && entries.size() < most; it->Next()) {
    const std::optional<uint64_t> position = DecodePosition(ToView(it->key()));
    if (!position.has_value()) {
      return absl::DataLossError("a ship log key is unreadable");
    }
    if (*position >= settled) {
      break;
    }
    std::optional<storage::ShipEntry> entry = DecodeEntry(ToView(it->value()));
    if (!entry.has_value()) {
      return absl::DataLossError(absl::StrCat("ship log entry ", *position, " is unreadable"));
    }
    entry->position = *position;
    entries.push_back(*std::move(entry));
  }
  CLICKTRACK_RETURN_IF_ERROR(FromRocksStatus(it->status()));
  return entries;
}

absl::Status RocksDbShipLog::MarkShipped(uint64_t through, uint64_t count) {
  rocksdb::WriteBatch batch;
  // Shipped entries go in one range deletion per kDeleteEvery of them, not one per run:
  // every iterator over the family pays for each range tombstone in the memtable. Entries
  // shipped and not deleted yet lie before `shipped_through`, where no reader looks.
  const uint64_t deleted = deleted_through_;
  const bool delete_now = through - deleted >= kDeleteEvery;
  if (delete_now) {
    const storage::KeyBuffer from = storage::ShipLogKey(deleted + 1);
    const storage::KeyBuffer to = storage::ShipLogKey(through + 1);
    batch.DeleteRange(database_.family(kShipLog), ToSlice(from.view()), ToSlice(to.view()));
  }
  const storage::KeyBuffer shipped = storage::ShipLogKey(through);
  batch.Put(database_.family(kDefault), kShippedKey, ToSlice(shipped.view()));
  CLICKTRACK_RETURN_IF_ERROR(database_.Write(rocksdb::WriteOptions(), &batch));
  if (delete_now) {
    deleted_through_ = through;
  }
  shipped_through_.store(through, std::memory_order_relaxed);
  backlog_.fetch_sub(std::min(count, backlog_.load(std::memory_order_relaxed)),
                     std::memory_order_relaxed);
  return absl::OkStatus();
}

}  // namespace clicktrack::storage_internal

namespace clicktrack::storage {

absl::StatusOr<attribution::Click> DecodeShippedClick(absl::string_view bytes) {
  const std::optional<absl::string_view> program = storage_internal::ClickProgram(bytes);
  if (!program.has_value()) {
    return absl::DataLossError("not a shipped click (unknown format byte or too short)");
  }
  const absl::string_view rest = bytes.substr(2 + program->size());
  const std::optional<attribution::Ulid> id =
      attribution::Ulid::FromBinary(rest.substr(0, attribution::Ulid::kBinarySize));
  const absl::string_view record = rest.substr(attribution::Ulid::kBinarySize);
  proto::Click click;
  CLICKTRACK_RETURN_IF_ERROR(storage_internal::ParseRecord(record, click, "shipped click"));
  if (!id.has_value() || click.program_id() != *program) {
    return absl::DataLossError("a shipped click's id or program does not match its record");
  }
  return storage_internal::FromProto(*id, click);
}

}  // namespace clicktrack::storage
