#include "tracker/codec/admin_json.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"

#include "attribution/base/status_macros.h"
#include "attribution/base/utf8.h"
#include "attribution/duration.h"
#include "attribution/ids.h"
#include "attribution/money.h"
#include "tracker/codec/invalid.h"
#include "tracker/codec/json_fields.h"
#include "tracker/common/json_text.h"

namespace clicktrack::tracker {
namespace {

namespace json = boost::json;
using attribution::CommissionRule;
using attribution::CommissionRules;
using attribution::Currency;

absl::StatusOr<std::optional<CommissionRule>> DecodeRule(const Fields& parent,
                                                         absl::string_view name,
                                                         const Currency& currency) {
  CLICKTRACK_ASSIGN_OR_RETURN(const json::object* object, parent.Object(name));
  if (object == nullptr) {
    return std::nullopt;
  }
  const Fields fields(*object, parent.Path(name));
  CommissionRule rule;
  CLICKTRACK_ASSIGN_OR_RETURN(rule.percent, fields.Percent("percent"));
  CLICKTRACK_ASSIGN_OR_RETURN(rule.fixed_minor, fields.Amount("fixed", currency));
  if (!rule.percent.has_value() && !rule.fixed_minor.has_value()) {
    return Invalid(parent.Path(name), "needs \"percent\", \"fixed\" or both");
  }
  return rule;
}

absl::StatusOr<CommissionRules> DecodeRules(const Fields& fields, const Currency& currency) {
  CommissionRules rules;
  CLICKTRACK_ASSIGN_OR_RETURN(rules.first_sale, DecodeRule(fields, "first_sale", currency));
  CLICKTRACK_ASSIGN_OR_RETURN(rules.repeat_sale, DecodeRule(fields, "repeat_sale", currency));
  CLICKTRACK_ASSIGN_OR_RETURN(rules.upsell, DecodeRule(fields, "upsell", currency));
  CLICKTRACK_ASSIGN_OR_RETURN(rules.lead, DecodeRule(fields, "lead", currency));
  return rules;
}

absl::Status DecodeDays(const Fields& fields, absl::string_view name, int& out) {
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<int64_t> days, fields.Int(name));
  if (days.has_value()) {
    if (*days < 0 || *days > 36'500) {
      return Invalid(fields.Path(name), "must be between 0 and 36500");
    }
    out = static_cast<int>(*days);
  }
  return absl::OkStatus();
}

json::object EncodeRule(const CommissionRule& rule, const Currency& currency) {
  json::object out;
  if (rule.percent.has_value()) {
    out["percent"] = attribution::FormatPercent(*rule.percent);
  }
  if (rule.fixed_minor.has_value()) {
    out["fixed"] = attribution::FormatAmount(*rule.fixed_minor, currency);
  }
  return out;
}

json::object EncodeRules(const CommissionRules& rules, const Currency& currency) {
  json::object out;
  const std::pair<const char*, const std::optional<CommissionRule>*> named[] = {
      {"first_sale", &rules.first_sale},
      {"repeat_sale", &rules.repeat_sale},
      {"upsell", &rules.upsell},
      {"lead", &rules.lead}};
  for (const auto& [name, rule] : named) {
    if (rule->has_value()) {
      out[name] = EncodeRule(**rule, currency);
    }
  }
  return out;
}

std::string ToString(const json::string& s) { return std::string(s.data(), s.size()); }

absl::Status DecodeNameAndCurrency(const Fields& fields, attribution::Program& program) {
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> name, fields.String("name"));
  if (!name.has_value()) {
    return Invalid("name", "is required");
  }
  program.name = *std::move(name);
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> currency, fields.String("currency"));
  if (!currency.has_value()) {
    return Invalid("currency", "is required");
  }
  absl::StatusOr<Currency> found = attribution::FindCurrency(*currency);
  if (!found.ok()) {
    return Invalid("currency", found.status().message());
  }
  program.currency = *found;
  return absl::OkStatus();
}

absl::Status DecodeSecrets(const Fields& fields, attribution::Program& program) {
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> postback_secret,
                              fields.String("postback_secret"));
  program.postback_secret = postback_secret.value_or("");
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> stripe_secret,
                              fields.String("stripe_webhook_secret"));
  program.stripe_webhook_secret = stripe_secret.value_or("");
  return absl::OkStatus();
}

absl::Status DecodeAllowedHosts(const Fields& fields, attribution::Program& program) {
  CLICKTRACK_ASSIGN_OR_RETURN(const json::array* hosts, fields.Array("allowed_hosts"));
  if (hosts == nullptr) {
    return absl::OkStatus();
  }
  if (hosts->size() > attribution::kMaxAllowedHosts) {
    return Invalid("allowed_hosts",
                   absl::StrCat("must have at most ", attribution::kMaxAllowedHosts, " entries"));
  }
  for (size_t i = 0; i < hosts->size(); ++i) {
    if (!(*hosts)[i].is_string()) {
      return Invalid(absl::StrCat("allowed_hosts[", i, "]"), "must be a string");
    }
    program.allowed_hosts.push_back(absl::AsciiStrToLower(ToString((*hosts)[i].get_string())));
  }
  return absl::OkStatus();
}

absl::Status DecodeAttribution(const Fields& fields, attribution::Program& program) {
  CLICKTRACK_ASSIGN_OR_RETURN(const json::object* object, fields.Object("attribution"));
  if (object == nullptr) {
    return absl::OkStatus();
  }
  const Fields a(*object, "attribution");
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<absl::Duration> window, a.Duration("window"));
  program.attribution.window = window.value_or(attribution::kDefaultAttributionWindow);
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<absl::Duration> lifetime, a.Duration("lifetime"));
  program.attribution.lifetime = lifetime.value_or(absl::ZeroDuration());
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> model, a.String("model"));
  if (model.has_value()) {
    const std::optional<attribution::AttributionModel> parsed =
        attribution::ParseAttributionModel(*model);
    if (!parsed.has_value()) {
      return Invalid("attribution.model", "must be \"last_click\" or \"first_click\"");
    }
    program.attribution.model = *parsed;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<attribution::LoyaltyBonus>> DecodeLoyaltyBonus(
    const Fields& commission, const Currency& currency) {
  CLICKTRACK_ASSIGN_OR_RETURN(const json::object* object, commission.Object("loyalty_bonus"));
  if (object == nullptr) {
    return std::nullopt;
  }
  const Fields b(*object, "commission.loyalty_bonus");
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<int64_t> ltv_over, b.Amount("ltv_over", currency));
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<int64_t> amount, b.Amount("amount", currency));
  if (!ltv_over.has_value()) {
    return Invalid("commission.loyalty_bonus.ltv_over", "is required");
  }
  if (!amount.has_value()) {
    return Invalid("commission.loyalty_bonus.amount", "is required");
  }
  return attribution::LoyaltyBonus{.ltv_over_minor = *ltv_over, .amount_minor = *amount};
}

absl::Status DecodeCommission(const Fields& fields, attribution::Program& program) {
  CLICKTRACK_ASSIGN_OR_RETURN(const json::object* object, fields.Object("commission"));
  if (object == nullptr) {
    return absl::OkStatus();
  }
  const Fields c(*object, "commission");
  CLICKTRACK_ASSIGN_OR_RETURN(program.commission.rules, DecodeRules(c, program.currency));
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<absl::Duration> hold, c.Duration("hold"));
  program.commission.hold = hold.value_or(absl::ZeroDuration());
  CLICKTRACK_ASSIGN_OR_RETURN(program.commission.loyalty_bonus,
                              DecodeLoyaltyBonus(c, program.currency));
  return absl::OkStatus();
}

absl::Status DecodeSegments(const Fields& fields, attribution::Program& program) {
  CLICKTRACK_ASSIGN_OR_RETURN(const json::object* object, fields.Object("segments"));
  if (object == nullptr) {
    return absl::OkStatus();
  }
  const Fields s(*object, "segments");
  CLICKTRACK_RETURN_IF_ERROR(DecodeDays(s, "window_days", program.segments.window_days));
  CLICKTRACK_RETURN_IF_ERROR(DecodeDays(s, "newcomer_days", program.segments.newcomer_days));
  CLICKTRACK_RETURN_IF_ERROR(DecodeDays(s, "star_days", program.segments.star_days));
  CLICKTRACK_RETURN_IF_ERROR(DecodeDays(s, "dormant_days", program.segments.dormant_days));
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<attribution::Percent> share,
                              s.Percent("star_share_percent"));
  if (share.has_value()) {
    program.segments.star_share = *share;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<attribution::Program> DecodeProgram(const json::object& body,
                                                   absl::string_view program_id) {
  const Fields fields(body, "");
  attribution::Program program;
  program.id = std::string(program_id);
  CLICKTRACK_RETURN_IF_ERROR(DecodeNameAndCurrency(fields, program));
  CLICKTRACK_RETURN_IF_ERROR(DecodeSecrets(fields, program));
  CLICKTRACK_RETURN_IF_ERROR(DecodeAllowedHosts(fields, program));
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<bool> pixel, fields.Bool("pixel"));
  program.pixel = pixel.value_or(true);
  CLICKTRACK_RETURN_IF_ERROR(DecodeAttribution(fields, program));
  CLICKTRACK_RETURN_IF_ERROR(DecodeCommission(fields, program));
  CLICKTRACK_RETURN_IF_ERROR(DecodeSegments(fields, program));
  CLICKTRACK_RETURN_IF_ERROR(attribution::ValidateProgram(program));
  return program;
}

absl::StatusOr<PartnerInput> DecodePartner(const json::object& body,
                                           const attribution::Program& program,
                                           absl::string_view partner_id) {
  const Fields fields(body, "");
  PartnerInput input;
  attribution::Partner& partner = input.partner;
  partner.program_id = program.id;
  partner.id = std::string(partner_id);
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> name, fields.String("name"));
  partner.name = name.value_or("");
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> email, fields.String("email"));
  partner.email = email.value_or("");
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> postback_url,
                              fields.String("postback_url"));
  partner.postback_url = postback_url.value_or("");
  CLICKTRACK_ASSIGN_OR_RETURN(const json::object* commission_object, fields.Object("commission"));
  if (commission_object != nullptr) {
    CLICKTRACK_ASSIGN_OR_RETURN(
        partner.commission,
        DecodeRules(Fields(*commission_object, "commission"), program.currency));
  }
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> joined_at, fields.String("joined_at"));
  if (joined_at.has_value()) {
    absl::StatusOr<absl::Time> time = ParseTimestamp(*joined_at);
    if (!time.ok()) {
      return Invalid("joined_at", time.status().message());
    }
    input.joined_at = *time;
  }
  CLICKTRACK_RETURN_IF_ERROR(attribution::ValidatePartner(partner));
  return input;
}

absl::StatusOr<LinkInput> DecodeLinkInput(const json::object& body) {
  const Fields fields(body, "");
  LinkInput input;
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> partner_id, fields.String("partner_id"));
  if (!partner_id.has_value()) {
    return Invalid("partner_id", "is required");
  }
  CLICKTRACK_RETURN_IF_ERROR(attribution::ValidateIdentifier("partner_id", *partner_id));
  input.partner_id = *std::move(partner_id);
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> destination, fields.String("destination"));
  if (!destination.has_value()) {
    return Invalid("destination", "is required");
  }
  input.destination = *std::move(destination);
  CLICKTRACK_ASSIGN_OR_RETURN(input.code, fields.String("code"));
  if (input.code.has_value()) {
    CLICKTRACK_RETURN_IF_ERROR(attribution::ValidateIdentifier("code", *input.code));
  }
  return input;
}

absl::StatusOr<LinkPatch> DecodeLinkPatch(const json::object& body) {
  const Fields fields(body, "");
  LinkPatch patch;
  CLICKTRACK_ASSIGN_OR_RETURN(patch.destination, fields.String("destination"));
  CLICKTRACK_ASSIGN_OR_RETURN(patch.active, fields.Bool("active"));
  return patch;
}

json::object EncodeProgram(const attribution::Program& program) {
  json::object out;
  out["id"] = program.id;
  out["name"] = program.name;
  out["currency"] = std::string(program.currency.Code());
  json::array hosts;
  for (const std::string& host : program.allowed_hosts) {
    hosts.emplace_back(host);
  }
  out["allowed_hosts"] = std::move(hosts);
  out["pixel"] = program.pixel;
  out["postback_secret_set"] = !program.postback_secret.empty();
  out["stripe_webhook_secret_set"] = !program.stripe_webhook_secret.empty();
  out["attribution"] = json::object{
      {"window", attribution::FormatApiDuration(program.attribution.window)},
      {"model", std::string(attribution::AttributionModelName(program.attribution.model))},
      {"lifetime", attribution::FormatApiDuration(program.attribution.lifetime)},
  };
  json::object commission = EncodeRules(program.commission.rules, program.currency);
  commission["hold"] = attribution::FormatApiDuration(program.commission.hold);
  if (program.commission.loyalty_bonus.has_value()) {
    commission["loyalty_bonus"] = json::object{
        {"ltv_over", attribution::FormatAmount(program.commission.loyalty_bonus->ltv_over_minor,
                                               program.currency)},
        {"amount", attribution::FormatAmount(program.commission.loyalty_bonus->amount_minor,
                                             program.currency)},
    };
  }
  out["commission"] = std::move(commission);
  out["segments"] = json::object{
      {"window_days", program.segments.window_days},
      {"newcomer_days", program.segments.newcomer_days},
      {"star_days", program.segments.star_days},
      {"star_share_percent", attribution::FormatPercent(program.segments.star_share)},
      {"dormant_days", program.segments.dormant_days},
  };
  out["created_at"] = FormatTimestamp(program.created_at);
  out["updated_at"] = FormatTimestamp(program.updated_at);
  return out;
}

json::object EncodePartner(const attribution::Partner& partner, const Currency& currency) {
  json::object out;
  out["id"] = partner.id;
  out["program_id"] = partner.program_id;
  out["name"] = partner.name;
  out["email"] = partner.email;
  out["postback_url"] = partner.postback_url;
  out["commission"] = EncodeRules(partner.commission, currency);
  out["joined_at"] = FormatTimestamp(partner.joined_at);
  return out;
}

json::object EncodeLink(const attribution::Link& link, absl::string_view public_url) {
  json::object out;
  out["code"] = link.code;
  out["url"] = absl::StrCat(public_url, "/go/", link.code);
  out["program_id"] = link.program_id;
  out["partner_id"] = link.partner_id;
  out["destination"] = link.destination;
  out["active"] = link.active;
  out["created_at"] = FormatTimestamp(link.created_at);
  return out;
}

}  // namespace clicktrack::tracker
