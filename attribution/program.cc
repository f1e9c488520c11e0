#include "attribution/program.h"

#include <algorithm>
#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

#include "attribution/base/status_macros.h"
#include "attribution/ids.h"

namespace clicktrack::attribution {
namespace {

absl::Status FieldError(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

absl::Status ValidateText(absl::string_view field, absl::string_view value, size_t max_size,
                          bool required) {
  if (required && value.empty()) {
    return FieldError(field, "is required");
  }
  if (value.size() > max_size) {
    return FieldError(field, absl::StrCat("must be at most ", max_size, " bytes"));
  }
  // Control characters have no business in names and would garble logs and CSV exports.
  if (std::any_of(value.begin(), value.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    return FieldError(field, "must not contain control characters");
  }
  return absl::OkStatus();
}

absl::Status ValidateRule(absl::string_view field, const std::optional<CommissionRule>& rule) {
  if (!rule.has_value()) {
    return absl::OkStatus();
  }
  if (!rule->percent.has_value() && !rule->fixed_minor.has_value()) {
    return FieldError(field, "needs \"percent\", \"fixed\" or both");
  }
  if (rule->percent.has_value() &&
      (rule->percent->hundredths < 0 || rule->percent->hundredths > 100'00)) {
    return FieldError(absl::StrCat(field, ".percent"), "must be between 0 and 100");
  }
  if (rule->fixed_minor.has_value() &&
      (*rule->fixed_minor < 0 || *rule->fixed_minor > kMaxAmountMinor)) {
    return FieldError(absl::StrCat(field, ".fixed"), "is out of range");
  }
  return absl::OkStatus();
}

absl::Status ValidateRules(absl::string_view prefix, const CommissionRules& rules) {
  CLICKTRACK_RETURN_IF_ERROR(ValidateRule(absl::StrCat(prefix, "first_sale"), rules.first_sale));
  CLICKTRACK_RETURN_IF_ERROR(ValidateRule(absl::StrCat(prefix, "repeat_sale"), rules.repeat_sale));
  CLICKTRACK_RETURN_IF_ERROR(ValidateRule(absl::StrCat(prefix, "upsell"), rules.upsell));
  return ValidateRule(absl::StrCat(prefix, "lead"), rules.lead);
}

absl::Status ValidateDays(absl::string_view field, int days) {
  if (days < 0 || days > 36'500) {
    return FieldError(field, "must be between 0 and 36500 days");
  }
  return absl::OkStatus();
}

bool IsHostLabelChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

// A lower-case DNS name (labels of [a-z0-9-], not starting or ending with '-') or an IPv4
// address, which has the same shape.
bool IsValidHostName(absl::string_view host) {
  if (host.empty() || host.size() > kMaxHostSize) {
    return false;
  }
  size_t label_start = 0;
  for (size_t i = 0; i <= host.size(); ++i) {
    if (i == host.size() || host[i] == '.') {
      const absl::string_view label = host.substr(label_start, i - label_start);
      if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
        return false;
      }
      label_start = i + 1;
    } else if (!IsHostLabelChar(host[i])) {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::string_view AttributionModelName(AttributionModel model) {
  switch (model) {
    case AttributionModel::kLastClick:
      return "last_click";
    case AttributionModel::kFirstClick:
      return "first_click";
  }
  return "last_click";
}

std::optional<AttributionModel> ParseAttributionModel(absl::string_view name) {
  if (name == "last_click") {
    return AttributionModel::kLastClick;
  }
  if (name == "first_click") {
    return AttributionModel::kFirstClick;
  }
  return std::nullopt;
}

bool IsValidHostPattern(absl::string_view pattern) {
  if (absl::StartsWith(pattern, "*.")) {
    pattern.remove_prefix(2);
  }
  return IsValidHostName(pattern);
}

bool IsHostAllowed(absl::Span<const std::string> allowed_hosts, absl::string_view host) {
  if (!host.empty() && host.back() == '.') {
    host.remove_suffix(1);
  }
  if (host.empty() || host.size() > kMaxHostSize) {
    return false;
  }
  std::array<char, kMaxHostSize> buffer;
  for (size_t i = 0; i < host.size(); ++i) {
    buffer[i] = absl::ascii_tolower(static_cast<unsigned char>(host[i]));
  }
  const absl::string_view lower(buffer.data(), host.size());
  for (const std::string& pattern : allowed_hosts) {
    if (absl::StartsWith(pattern, "*.")) {
      const absl::string_view suffix = absl::string_view(pattern).substr(1);  // ".example.com"
      if (lower.size() > suffix.size() && absl::EndsWith(lower, suffix)) {
        return true;
      }
    } else if (lower == pattern) {
      return true;
    }
  }
  return false;
}

absl::Status ValidateProgram(const Program& program) {
  CLICKTRACK_RETURN_IF_ERROR(ValidateIdentifier("program_id", program.id));
  CLICKTRACK_RETURN_IF_ERROR(ValidateText("name", program.name, kMaxNameSize, true));
  if (!program.postback_secret.empty() && (program.postback_secret.size() < kMinSecretSize ||
                                           program.postback_secret.size() > kMaxSecretSize)) {
    return FieldError("postback_secret",
                      absl::StrCat("must be ", kMinSecretSize, " to ", kMaxSecretSize, " bytes"));
  }
  CLICKTRACK_RETURN_IF_ERROR(
      ValidateText("postback_secret", program.postback_secret, kMaxSecretSize, false));
  CLICKTRACK_RETURN_IF_ERROR(
      ValidateText("stripe_webhook_secret", program.stripe_webhook_secret, kMaxSecretSize, false));
  if (program.allowed_hosts.size() > kMaxAllowedHosts) {
    return FieldError("allowed_hosts",
                      absl::StrCat("must have at most ", kMaxAllowedHosts, " entries"));
  }
  for (size_t i = 0; i < program.allowed_hosts.size(); ++i) {
    if (!IsValidHostPattern(program.allowed_hosts[i])) {
      return FieldError(absl::StrCat("allowed_hosts[", i, "]"),
                        "must be a host name such as \"shop.example.com\" or "
                        "\"*.example.com\" (no scheme, port or path)");
    }
  }
  if (program.attribution.window <= absl::ZeroDuration()) {
    return FieldError("attribution.window", "must be longer than 0");
  }
  if (program.attribution.lifetime < absl::ZeroDuration()) {
    return FieldError("attribution.lifetime", "must not be negative");
  }
  CLICKTRACK_RETURN_IF_ERROR(ValidateRules("commission.", program.commission.rules));
  if (program.commission.hold < absl::ZeroDuration()) {
    return FieldError("commission.hold", "must not be negative");
  }
  if (const auto& bonus = program.commission.loyalty_bonus; bonus.has_value()) {
    if (bonus->ltv_over_minor < 0 || bonus->amount_minor < 0) {
      return FieldError("commission.loyalty_bonus", "amounts must not be negative");
    }
  }
  const SegmentSettings& s = program.segments;
  CLICKTRACK_RETURN_IF_ERROR(ValidateDays("segments.window_days", s.window_days));
  if (s.window_days == 0) {
    return FieldError("segments.window_days", "must be at least 1");
  }
  CLICKTRACK_RETURN_IF_ERROR(ValidateDays("segments.newcomer_days", s.newcomer_days));
  CLICKTRACK_RETURN_IF_ERROR(ValidateDays("segments.star_days", s.star_days));
  CLICKTRACK_RETURN_IF_ERROR(ValidateDays("segments.dormant_days", s.dormant_days));
  if (s.star_share.hundredths < 0 || s.star_share.hundredths > 100'00) {
    return FieldError("segments.star_share_percent", "must be between 0 and 100");
  }
  return absl::OkStatus();
}

absl::Status ValidatePartner(const Partner& partner) {
  CLICKTRACK_RETURN_IF_ERROR(ValidateIdentifier("program_id", partner.program_id));
  CLICKTRACK_RETURN_IF_ERROR(ValidateIdentifier("partner_id", partner.id));
  CLICKTRACK_RETURN_IF_ERROR(ValidateText("name", partner.name, kMaxNameSize, false));
  CLICKTRACK_RETURN_IF_ERROR(ValidateText("email", partner.email, kMaxEmailSize, false));
  if (!partner.email.empty()) {
    const size_t at = partner.email.find('@');
    if (at == std::string::npos || at == 0 || at + 1 == partner.email.size() ||
        partner.email.find_first_of(" \t") != std::string::npos) {
      return FieldError("email", "must be an e-mail address");
    }
  }
  CLICKTRACK_RETURN_IF_ERROR(
      ValidateText("postback_url", partner.postback_url, kMaxUrlSize, false));
  return ValidateRules("commission.", partner.commission);
}

}  // namespace clicktrack::attribution
