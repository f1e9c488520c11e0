#include "tracker/codec/conversion_request.h"

#include <algorithm>
#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

#include "attribution/base/status_macros.h"
#include "attribution/base/utf8.h"
#include "attribution/money.h"
#include "tracker/codec/admin_json.h"
#include "tracker/codec/hmac.h"
#include "tracker/codec/invalid.h"
#include "tracker/codec/strict_query.h"
#include "tracker/common/query_string.h"

namespace clicktrack::tracker {
namespace {

constexpr absl::string_view kFieldNames[] = {
    "program", "order_id",     "amount", "currency",  "type",        "click_id", "customer",
    "email",   "email_sha256", "status", "refund_id", "occurred_at", "token"};

const std::string* Find(const ConversionFields& fields, absl::string_view name) {
  const auto it = fields.find(name);
  return it == fields.end() || it->second.empty() ? nullptr : &it->second;
}

bool HasControlCharacters(absl::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

}  // namespace

absl::Status ValidateText(absl::string_view field, absl::string_view value, size_t max_size) {
  if (value.size() > max_size) {
    return Invalid(field, absl::StrCat("must be at most ", max_size, " bytes"));
  }
  if (!base::IsValidUtf8(value)) {
    return Invalid(field, "must be valid UTF-8");
  }
  if (HasControlCharacters(value)) {
    return Invalid(field, "must not contain control characters");
  }
  return absl::OkStatus();
}

namespace {

bool IsUrlSafe(absl::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
           c == '~';
  });
}

}  // namespace

absl::StatusOr<ConversionFields> FieldsFromStrictQuery(absl::string_view query) {
  // Unknown names are ignored.
  ConversionFields fields;
  CLICKTRACK_RETURN_IF_ERROR(ForEachValidQueryParam(query, [&](absl::string_view name,
                                                               absl::string_view value) {
    if (std::find(std::begin(kFieldNames), std::end(kFieldNames), name) != std::end(kFieldNames)) {
      fields.emplace(std::string(name), std::string(value));
    }
  }));
  return fields;
}

absl::StatusOr<ConversionFields> FieldsFromJsonBody(absl::string_view text,
                                                    const boost::json::object& body) {
  CLICKTRACK_RETURN_IF_ERROR(CheckNoDuplicateKeys(text));
  ConversionFields fields;
  for (absl::string_view name : kFieldNames) {
    const boost::json::value* value =
        body.if_contains(boost::json::string_view(name.data(), name.size()));
    if (value == nullptr || value->is_null()) {
      continue;
    }
    if (!value->is_string()) {
      if (name == "amount" && value->is_number()) {
        return Invalid(name, "must be a decimal string such as \"49.90\", not a JSON number");
      }
      return Invalid(name, "must be a string");
    }
    const boost::json::string& text = value->get_string();
    fields.emplace(std::string(name), std::string(text.data(), text.size()));
  }
  return fields;
}

std::string EmailSha256(absl::string_view email) {
  return HexOf(Sha256(absl::AsciiStrToLower(absl::StripAsciiWhitespace(email))));
}

namespace {

absl::Status DecodeOrderAndKind(const ConversionFields& fields, ConversionSource source,
                                attribution::ConversionEvent& event) {
  const std::string* order_id = Find(fields, "order_id");
  if (order_id == nullptr) {
    return Invalid("order_id", "is required");
  }
  CLICKTRACK_RETURN_IF_ERROR(ValidateText("order_id", *order_id, kMaxOrderIdSize));
  event.order_id = *order_id;
  if (const std::string* type = Find(fields, "type")) {
    const std::optional<attribution::ConversionType> parsed =
        attribution::ParseConversionType(*type);
    if (!parsed.has_value()) {
      return Invalid("type", "must be sale, upsell or lead");
    }
    event.type = *parsed;
  }
  if (source == ConversionSource::kPostback) {
    if (const std::string* status = Find(fields, "status")) {
      const std::optional<attribution::PaymentStatus> parsed =
          attribution::ParsePaymentStatus(*status);
      if (!parsed.has_value()) {
        return Invalid("status", "must be approved, refunded or chargeback");
      }
      event.status = *parsed;
    }
  }
  return absl::OkStatus();
}

// The amount in the program's currency: required, except for an approved lead.
absl::Status DecodeAmount(const ConversionFields& fields, const attribution::Program& program,
                          attribution::ConversionEvent& event) {
  if (const std::string* currency = Find(fields, "currency")) {
    absl::StatusOr<attribution::Currency> found = attribution::FindCurrency(*currency);
    if (!found.ok()) {
      return Invalid("currency", found.status().message());
    }
    if (!(*found == program.currency)) {
      return Invalid("currency",
                     absl::StrCat("must be the program's currency, ", program.currency.Code()));
    }
  }
  const std::string* amount = Find(fields, "amount");
  if (amount == nullptr) {
    if (event.type != attribution::ConversionType::kLead ||
        event.status != attribution::PaymentStatus::kApproved) {
      return Invalid("amount", "is required");
    }
    return absl::OkStatus();
  }
  if (Find(fields, "currency") == nullptr) {
    return Invalid("currency", "is required with an amount");
  }
  absl::StatusOr<int64_t> minor = attribution::ParseAmount(*amount, program.currency);
  if (!minor.ok()) {
    return Invalid("amount", minor.status().message());
  }
  event.amount_minor = *minor;
  return absl::OkStatus();
}

absl::Status DecodeRefundIdAndTime(const ConversionFields& fields, ConversionSource source,
                                   absl::Time now, attribution::ConversionEvent& event) {
  if (const std::string* refund_id = Find(fields, "refund_id")) {
    CLICKTRACK_RETURN_IF_ERROR(ValidateText("refund_id", *refund_id, kMaxRefundIdSize));
    event.refund_id = *refund_id;
  } else {
    event.refund_id = attribution::DefaultRefundId(event.order_id, event.amount_minor);
  }
  const std::string* occurred_at = Find(fields, "occurred_at");
  if (source != ConversionSource::kPostback || occurred_at == nullptr) {
    return absl::OkStatus();
  }
  CLICKTRACK_ASSIGN_OR_RETURN(event.occurred_at, ParseEventTime("occurred_at", *occurred_at, now));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<absl::Time> ParseEventTime(absl::string_view field, absl::string_view text,
                                          absl::Time now) {
  absl::StatusOr<absl::Time> time = ParseTimestamp(text);
  if (!time.ok()) {
    return Invalid(field, time.status().message());
  }
  if (*time > now + kMaxFutureSkew) {
    return Invalid(field, "is more than 5 minutes in the future");
  }
  if (*time < absl::FromUnixSeconds(946'684'800)) {
    return Invalid(field, "must not be before 2000-01-01");
  }
  return *time;
}

absl::Status DecodeEmailFields(const ConversionFields& fields,
                               attribution::Identities& identities) {
  if (const std::string* hash = Find(fields, "email_sha256")) {
    const std::string lower = absl::AsciiStrToLower(*hash);
    if (lower.size() != 64 || !std::all_of(lower.begin(), lower.end(), [](char c) {
          return absl::ascii_isxdigit(static_cast<unsigned char>(c));
        })) {
      return Invalid("email_sha256", "must be 64 hexadecimal characters (SHA-256)");
    }
    identities.email_sha256 = lower;
  } else if (const std::string* email = Find(fields, "email")) {
    CLICKTRACK_RETURN_IF_ERROR(ValidateText("email", *email, attribution::kMaxEmailSize));
    if (email->find('@') == std::string::npos) {
      return Invalid("email", "must be an e-mail address");
    }
    identities.email_sha256 = EmailSha256(*email);
  }
  return absl::OkStatus();
}

namespace {

absl::Status DecodeIdentities(const ConversionFields& fields,
                              std::optional<absl::string_view> cookie,
                              attribution::Identities& identities) {
  if (const std::string* click_id = Find(fields, "click_id")) {
    if (click_id->size() > kMaxClickIdSize || !IsUrlSafe(*click_id)) {
      return Invalid("click_id",
                     absl::StrCat("must be at most ", kMaxClickIdSize, " URL-safe characters"));
    }
    // Ids of other trackers are well-formed but unknown here: they identify nobody.
    identities.click_id = attribution::Ulid::FromText(*click_id);
  }
  if (const std::string* customer = Find(fields, "customer")) {
    CLICKTRACK_RETURN_IF_ERROR(ValidateText("customer", *customer, kMaxCustomerRefSize));
    identities.customer_ref = *customer;
  }
  CLICKTRACK_RETURN_IF_ERROR(DecodeEmailFields(fields, identities));
  if (cookie.has_value()) {
    identities.cookie_customer = attribution::Ulid::FromText(*cookie);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<attribution::ConversionEvent> BuildConversionEvent(
    const ConversionFields& fields, const attribution::Program& program, ConversionSource source,
    absl::Time now, std::optional<absl::string_view> cookie) {
  attribution::ConversionEvent event;
  event.occurred_at = now;
  CLICKTRACK_RETURN_IF_ERROR(DecodeOrderAndKind(fields, source, event));
  CLICKTRACK_RETURN_IF_ERROR(DecodeAmount(fields, program, event));
  CLICKTRACK_RETURN_IF_ERROR(DecodeRefundIdAndTime(fields, source, now, event));
  CLICKTRACK_RETURN_IF_ERROR(DecodeIdentities(fields, cookie, event.identities));
  return event;
}

boost::json::object EncodeDecision(const attribution::Decision& decision,
                                   const attribution::Program& program, absl::Time now) {
  const auto money = [&](int64_t minor) {
    return attribution::FormatAmount(minor, program.currency);
  };
  boost::json::object out;
  out["result"] = std::string(attribution::ResultName(decision.result));
  if (decision.conversion.has_value()) {
    const attribution::Conversion& c = *decision.conversion;
    out["conversion_id"] = c.id.ToString();
    out["order_id"] = c.order_id;
    out["kind"] = std::string(attribution::ConversionKindName(c.kind));
    out["partner_id"] =
        c.attributed() ? boost::json::value(c.partner_id) : boost::json::value(nullptr);
    out["customer_id"] = c.customer_id.ToString();
    out["amount"] = money(c.amount_minor);
    out["commission"] = money(c.commission_minor);
    out["currency"] = std::string(program.currency.Code());
    const attribution::CommissionStatus status = attribution::StatusAt(c, now);
    out["commission_status"] =
        status == attribution::CommissionStatus::kNone
            ? boost::json::value(nullptr)
            : boost::json::value(std::string(attribution::CommissionStatusName(status)));
    if (c.refunded_minor > 0) {
      out["refunded"] = money(c.refunded_minor);
      out["commission_reversed"] = money(c.reversed_minor);
    }
  }
  if (decision.refund.has_value()) {
    const attribution::Refund& r = *decision.refund;
    out["order_id"] = r.order_id;
    out["refund_id"] = r.refund_id;
    out["refund_amount"] = money(r.amount_minor);
    out["currency"] = std::string(program.currency.Code());
    if (r.applied) {
      out["refund_reversed"] = money(r.reversed_minor);
    }
  }
  return out;
}

}  // namespace clicktrack::tracker
