#include "attribution/conversion.h"

namespace clicktrack::attribution {

absl::string_view ConversionKindName(ConversionKind kind) {
  switch (kind) {
    case ConversionKind::kLead:
      return "lead";
    case ConversionKind::kFirstSale:
      return "first_sale";
    case ConversionKind::kRepeatSale:
      return "repeat_sale";
    case ConversionKind::kUpsell:
      return "upsell";
  }
  return "first_sale";
}

std::optional<ConversionType> ParseConversionType(absl::string_view name) {
  if (name == "sale") {
    return ConversionType::kSale;
  }
  if (name == "upsell") {
    return ConversionType::kUpsell;
  }
  if (name == "lead") {
    return ConversionType::kLead;
  }
  return std::nullopt;
}

std::optional<PaymentStatus> ParsePaymentStatus(absl::string_view name) {
  if (name == "approved") {
    return PaymentStatus::kApproved;
  }
  if (name == "refunded") {
    return PaymentStatus::kRefunded;
  }
  if (name == "chargeback") {
    return PaymentStatus::kChargeback;
  }
  return std::nullopt;
}

absl::string_view ResultName(Result result) {
  switch (result) {
    case Result::kAttributed:
      return "attributed";
    case Result::kUnattributed:
      return "unattributed";
    case Result::kDuplicate:
      return "duplicate";
    case Result::kReversed:
      return "reversed";
    case Result::kQueued:
      return "queued";
    case Result::kLinked:
      return "linked";
    case Result::kIgnored:
      return "ignored";
  }
  return "unattributed";
}

absl::string_view LedgerTypeName(LedgerType type) {
  switch (type) {
    case LedgerType::kAccrual:
      return "accrual";
    case LedgerType::kReversal:
      return "reversal";
    case LedgerType::kBonus:
      return "bonus";
  }
  return "accrual";
}

absl::string_view CommissionStatusName(CommissionStatus status) {
  switch (status) {
    case CommissionStatus::kNone:
      return "none";
    case CommissionStatus::kPending:
      return "pending";
    case CommissionStatus::kApproved:
      return "approved";
    case CommissionStatus::kReversed:
      return "reversed";
    case CommissionStatus::kPaid:
      return "paid";
  }
  return "none";
}

CommissionStatus StatusAt(const Conversion& conversion, absl::Time now) {
  if (!conversion.attributed() || conversion.commission_minor == 0) {
    return CommissionStatus::kNone;
  }
  if (conversion.reversed_minor >= conversion.commission_minor) {
    return CommissionStatus::kReversed;
  }
  return now < conversion.approve_at ? CommissionStatus::kPending : CommissionStatus::kApproved;
}

}  // namespace clicktrack::attribution
