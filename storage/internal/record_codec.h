#pragma once

// Domain records <-> Protocol Buffers values.

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

#include "attribution/click.h"
#include "attribution/conversion.h"
#include "attribution/link.h"
#include "attribution/payout.h"
#include "attribution/program.h"
#include "storage/records.pb.h"

namespace clicktrack::storage_internal {

namespace proto = ::clicktrack::storage::proto;

// The one way a stored record is parsed: into `message`, or kDataLoss ("unreadable <what>
// record") when the bytes are not one.
template <typename Message>
absl::Status ParseRecord(absl::string_view bytes, Message& message, absl::string_view what) {
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(absl::StrCat("unreadable ", what, " record"));
  }
  return absl::OkStatus();
}

proto::Program ToProto(const attribution::Program& program);
absl::StatusOr<attribution::Program> FromProto(const proto::Program& record);

proto::Partner ToProto(const attribution::Partner& partner);
attribution::Partner FromProto(const proto::Partner& record);

proto::Link ToProto(const attribution::Link& link);
attribution::Link FromProto(const proto::Link& record);

// The click record; the id and time live in the key. Overwrites `record`, reusing its strings
// and repeated fields, so that a record kept by a thread costs no allocation once warm.
void FillProto(const attribution::Click& click, proto::Click& record);
attribution::Click FromProto(const attribution::Ulid& id, const proto::Click& record);

proto::Customer ToProto(const attribution::CustomerState& customer);
attribution::CustomerState FromProto(const attribution::Ulid& id, const proto::Customer& record);

proto::PartnerTotals ToProto(const attribution::PartnerTotals& totals);
attribution::PartnerTotals FromProto(const proto::PartnerTotals& record);

proto::Conversion ToProto(const attribution::Conversion& conversion);
attribution::Conversion FromProto(absl::string_view order_id, const proto::Conversion& record);

proto::Refund ToProto(const attribution::Refund& refund);
attribution::Refund FromProto(absl::string_view refund_id, const proto::Refund& record);

proto::LedgerEntry ToProto(const attribution::LedgerEntry& entry);
attribution::LedgerEntry FromProto(absl::string_view partner_id, const attribution::Ulid& id,
                                   const proto::LedgerEntry& record);
proto::Payout ToProto(const attribution::Payout& payout);
// A ULID as its 16 bytes, and back (a malformed value reads as the zero ULID).
std::string UlidBytes(const attribution::Ulid& id);
attribution::Ulid UlidFrom(const std::string& bytes);
attribution::Payout FromProto(const attribution::Ulid& id, const proto::Payout& record);

}  // namespace clicktrack::storage_internal
