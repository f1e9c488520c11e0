// libFuzzer target: stored bytes read back: key suffixes and every record type, as a damaged
// or foreign database would hand them over. Readers may refuse; they must not crash.
#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

#include "attribution/ids.h"
#include "storage/internal/record_codec.h"
#include "storage/key_codec.h"
#include "storage/records.pb.h"

namespace ct = clicktrack;

template <typename Record, typename Read>
void ReadRecord(absl::string_view bytes, Read read) {
  Record record;
  if (record.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    read(record);
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  ct::storage::StatsKeyParts stats;
  (void)ct::storage::DecodeStatsSuffix(bytes, stats);
  ct::storage::CustomerClickKeyParts click_key;
  (void)ct::storage::DecodeCustomerClickSuffix(bytes, click_key);
  (void)ct::attribution::Ulid::FromBinary(bytes.substr(0, 16));
  namespace proto = ct::storage::proto;
  using ct::storage_internal::FromProto;
  const ct::attribution::Ulid id{};
  ReadRecord<proto::Program>(bytes, [](const proto::Program& r) { (void)FromProto(r); });
  ReadRecord<proto::Partner>(bytes, [](const proto::Partner& r) { (void)FromProto(r); });
  ReadRecord<proto::Link>(bytes, [](const proto::Link& r) { (void)FromProto(r); });
  ReadRecord<proto::Click>(bytes, [&](const proto::Click& r) { (void)FromProto(id, r); });
  ReadRecord<proto::Customer>(bytes, [&](const proto::Customer& r) { (void)FromProto(id, r); });
  ReadRecord<proto::Conversion>(bytes, [](const proto::Conversion& r) { (void)FromProto("o", r); });
  ReadRecord<proto::Refund>(bytes, [](const proto::Refund& r) { (void)FromProto("r", r); });
  ReadRecord<proto::LedgerEntry>(bytes,
                                 [&](const proto::LedgerEntry& r) { (void)FromProto("p", id, r); });
  return 0;
}
