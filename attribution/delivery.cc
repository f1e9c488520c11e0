#include "attribution/delivery.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace clicktrack::attribution {
namespace {

std::string UrlEncode(absl::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (absl::ascii_isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 15]);
    }
  }
  return out;
}

// {status}: what the movement is at its creation.
absl::string_view StatusWord(const LedgerEntry& entry) {
  if (entry.type == LedgerType::kReversal) {
    return "reversed";
  }
  return entry.created_at < entry.approve_at ? "pending" : "approved";
}

}  // namespace

absl::string_view DeliveryStateName(DeliveryState state) {
  switch (state) {
    case DeliveryState::kPending:
      return "pending";
    case DeliveryState::kDelivered:
      return "delivered";
    case DeliveryState::kFailed:
      return "failed";
  }
  return "pending";
}

absl::string_view DeliveryEventName(LedgerType type) {
  switch (type) {
    case LedgerType::kAccrual:
      return "conversion";
    case LedgerType::kReversal:
      return "reversal";
    case LedgerType::kBonus:
      return "bonus";
  }
  return "conversion";
}

Delivery NewDelivery(const Ulid& id, absl::string_view program_id, absl::string_view postback_url,
                     const LedgerEntry& entry, const Conversion& conversion, const Click* click,
                     const Currency& currency) {
  PostbackMacros macros{.order_id = entry.order_id,
                        .conversion_id = conversion.id.ToString(),
                        .amount = FormatAmount(conversion.amount_minor, currency),
                        .commission = FormatAmount(entry.commission_minor, currency),
                        .currency = std::string(currency.Code()),
                        .status = std::string(StatusWord(entry)),
                        .kind = entry.kind ? std::string(ConversionKindName(*entry.kind)) : "",
                        .event = std::string(DeliveryEventName(entry.type)),
                        .partner_id = entry.partner_id,
                        .delivery_id = id.ToString()};
  if (click != nullptr) {
    macros.click_id = click->id.ToString();
    macros.subs = click->subs;
  }
  return Delivery{.id = id,
                  .program_id = std::string(program_id),
                  .partner_id = entry.partner_id,
                  .event = entry.type,
                  .url = ExpandPostbackUrl(postback_url, macros),
                  .next_attempt_at = entry.created_at,
                  .created_at = entry.created_at};
}

void RecordAttempt(Delivery& delivery, absl::Time now, int status, absl::string_view error) {
  ++delivery.attempts;
  delivery.last_status = status;
  delivery.last_error = std::string(error);
  if (status >= 200 && status < 300) {
    delivery.state = DeliveryState::kDelivered;
    delivery.last_error.clear();
    return;
  }
  if (delivery.last_error.empty()) {
    delivery.last_error = absl::StrCat("answered HTTP ", status);
  }
  if (delivery.attempts >= kMaxDeliveryAttempts) {
    delivery.state = DeliveryState::kFailed;
    return;
  }
  const int doublings = std::min(delivery.attempts - 1, 20);
  delivery.next_attempt_at =
      now + std::min(kFirstRetryDelay * (int64_t{1} << doublings), kLongestRetryDelay);
}

void RecordRefusal(Delivery& delivery, absl::string_view reason) {
  ++delivery.attempts;
  delivery.last_status = 0;
  delivery.last_error = std::string(reason);
  delivery.state = DeliveryState::kFailed;
}

absl::Status Reopen(Delivery& delivery, absl::Time now) {
  if (delivery.state != DeliveryState::kFailed) {
    return absl::FailedPreconditionError(absl::StrCat("delivery ", delivery.id.ToString(), " is ",
                                                      DeliveryStateName(delivery.state),
                                                      ", not failed"));
  }
  delivery.state = DeliveryState::kPending;
  delivery.attempts = 0;
  delivery.next_attempt_at = now;
  return absl::OkStatus();
}

std::string ExpandPostbackUrl(absl::string_view url, const PostbackMacros& macros) {
  if (url.find('{') == absl::string_view::npos) {
    return std::string(url);
  }
  std::vector<std::pair<std::string, std::string>> replacements = {
      {"{click_id}", UrlEncode(macros.click_id)},
      {"{order_id}", UrlEncode(macros.order_id)},
      {"{conversion_id}", UrlEncode(macros.conversion_id)},
      {"{amount}", UrlEncode(macros.amount)},
      {"{commission}", UrlEncode(macros.commission)},
      {"{currency}", UrlEncode(macros.currency)},
      {"{status}", UrlEncode(macros.status)},
      {"{kind}", UrlEncode(macros.kind)},
      {"{event}", UrlEncode(macros.event)},
      {"{partner_id}", UrlEncode(macros.partner_id)},
      {"{delivery_id}", UrlEncode(macros.delivery_id)}};
  for (size_t i = 0; i < kSubCount; ++i) {
    replacements.emplace_back(absl::StrCat("{sub", i + 1, "}"), UrlEncode(macros.subs[i]));
  }
  return absl::StrReplaceAll(url, replacements);
}

}  // namespace clicktrack::attribution
