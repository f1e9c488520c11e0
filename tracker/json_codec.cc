#include "tracker/json_codec.h"

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

namespace clicktrack::tracker {
namespace {

namespace json = boost::json;
using attribution::CommissionRule;
using attribution::CommissionRules;
using attribution::Currency;

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

// Typed access to the members of one JSON object, naming fields by their dotted path.
class Fields {
 public:
  Fields(const json::object& object, std::string prefix)
      : object_(object), prefix_(std::move(prefix)) {}

  std::string Path(absl::string_view name) const {
    return prefix_.empty() ? std::string(name) : absl::StrCat(prefix_, ".", name);
  }

  const json::value* Find(absl::string_view name) const {
    const json::value* value = object_.if_contains(json::string_view(name.data(), name.size()));
    return value == nullptr || value->is_null() ? nullptr : value;
  }

  absl::StatusOr<std::optional<std::string>> String(absl::string_view name) const {
    const json::value* value = Find(name);
    if (value == nullptr) {
      return std::nullopt;
    }
    if (!value->is_string()) {
      return Invalid(Path(name), "must be a string");
    }
    const json::string& s = value->get_string();
    return std::string(s.data(), s.size());
  }

  // A decimal string: a JSON number is refused, so that no amount passes through a double.
  absl::StatusOr<std::optional<std::string>> Decimal(absl::string_view name) const {
    const json::value* value = Find(name);
    if (value != nullptr && value->is_number()) {
      return Invalid(Path(name), "must be a decimal string such as \"49.90\", not a JSON number");
    }
    return String(name);
  }

  absl::StatusOr<std::optional<bool>> Bool(absl::string_view name) const {
    const json::value* value = Find(name);
    if (value == nullptr) {
      return std::nullopt;
    }
    if (!value->is_bool()) {
      return Invalid(Path(name), "must be true or false");
    }
    return value->get_bool();
  }

  absl::StatusOr<std::optional<int64_t>> Int(absl::string_view name) const {
    const json::value* value = Find(name);
    if (value == nullptr) {
      return std::nullopt;
    }
    if (value->is_int64()) {
      return value->get_int64();
    }
    if (value->is_uint64() && value->get_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
      return static_cast<int64_t>(value->get_uint64());
    }
    return Invalid(Path(name), "must be a whole number");
  }

  absl::StatusOr<const json::object*> Object(absl::string_view name) const {
    const json::value* value = Find(name);
    if (value == nullptr) {
      return nullptr;
    }
    if (!value->is_object()) {
      return Invalid(Path(name), "must be an object");
    }
    return &value->get_object();
  }

  absl::StatusOr<const json::array*> Array(absl::string_view name) const {
    const json::value* value = Find(name);
    if (value == nullptr) {
      return nullptr;
    }
    if (!value->is_array()) {
      return Invalid(Path(name), "must be an array");
    }
    return &value->get_array();
  }

  absl::StatusOr<std::optional<absl::Duration>> Duration(absl::string_view name) const {
    CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> text, String(name));
    if (!text.has_value()) {
      return std::nullopt;
    }
    absl::StatusOr<absl::Duration> duration = attribution::ParseApiDuration(*text);
    if (!duration.ok()) {
      return Invalid(Path(name), duration.status().message());
    }
    return *duration;
  }

  absl::StatusOr<std::optional<int64_t>> Amount(absl::string_view name,
                                                const Currency& currency) const {
    CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> text, Decimal(name));
    if (!text.has_value()) {
      return std::nullopt;
    }
    absl::StatusOr<int64_t> amount = attribution::ParseAmount(*text, currency);
    if (!amount.ok()) {
      return Invalid(Path(name), amount.status().message());
    }
    return *amount;
  }

  absl::StatusOr<std::optional<attribution::Percent>> Percent(absl::string_view name) const {
    CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> text, Decimal(name));
    if (!text.has_value()) {
      return std::nullopt;
    }
    absl::StatusOr<attribution::Percent> percent = attribution::ParsePercent(*text);
    if (!percent.ok()) {
      return Invalid(Path(name), percent.status().message());
    }
    return *percent;
  }

 private:
  const json::object& object_;
  std::string prefix_;
};

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

}  // namespace

absl::StatusOr<attribution::Program> DecodeProgram(const json::object& body,
                                                   absl::string_view program_id) {
  const Fields fields(body, "");
  attribution::Program program;
  program.id = std::string(program_id);

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

  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> postback_secret,
                              fields.String("postback_secret"));
  program.postback_secret = postback_secret.value_or("");
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> stripe_secret,
                              fields.String("stripe_webhook_secret"));
  program.stripe_webhook_secret = stripe_secret.value_or("");

  CLICKTRACK_ASSIGN_OR_RETURN(const json::array* hosts, fields.Array("allowed_hosts"));
  if (hosts != nullptr) {
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
  }

  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<bool> pixel, fields.Bool("pixel"));
  program.pixel = pixel.value_or(true);

  CLICKTRACK_ASSIGN_OR_RETURN(const json::object* attribution_object, fields.Object("attribution"));
  if (attribution_object != nullptr) {
    const Fields a(*attribution_object, "attribution");
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
  }

  CLICKTRACK_ASSIGN_OR_RETURN(const json::object* commission_object, fields.Object("commission"));
  if (commission_object != nullptr) {
    const Fields c(*commission_object, "commission");
    CLICKTRACK_ASSIGN_OR_RETURN(program.commission.rules, DecodeRules(c, program.currency));
    CLICKTRACK_ASSIGN_OR_RETURN(std::optional<absl::Duration> hold, c.Duration("hold"));
    program.commission.hold = hold.value_or(absl::ZeroDuration());
    CLICKTRACK_ASSIGN_OR_RETURN(const json::object* bonus_object, c.Object("loyalty_bonus"));
    if (bonus_object != nullptr) {
      const Fields b(*bonus_object, "commission.loyalty_bonus");
      CLICKTRACK_ASSIGN_OR_RETURN(std::optional<int64_t> ltv_over,
                                  b.Amount("ltv_over", program.currency));
      CLICKTRACK_ASSIGN_OR_RETURN(std::optional<int64_t> amount,
                                  b.Amount("amount", program.currency));
      if (!ltv_over.has_value()) {
        return Invalid("commission.loyalty_bonus.ltv_over", "is required");
      }
      if (!amount.has_value()) {
        return Invalid("commission.loyalty_bonus.amount", "is required");
      }
      program.commission.loyalty_bonus =
          attribution::LoyaltyBonus{.ltv_over_minor = *ltv_over, .amount_minor = *amount};
    }
  }

  CLICKTRACK_ASSIGN_OR_RETURN(const json::object* segments_object, fields.Object("segments"));
  if (segments_object != nullptr) {
    const Fields s(*segments_object, "segments");
    CLICKTRACK_RETURN_IF_ERROR(DecodeDays(s, "window_days", program.segments.window_days));
    CLICKTRACK_RETURN_IF_ERROR(DecodeDays(s, "newcomer_days", program.segments.newcomer_days));
    CLICKTRACK_RETURN_IF_ERROR(DecodeDays(s, "star_days", program.segments.star_days));
    CLICKTRACK_RETURN_IF_ERROR(DecodeDays(s, "dormant_days", program.segments.dormant_days));
    CLICKTRACK_ASSIGN_OR_RETURN(std::optional<attribution::Percent> share,
                                s.Percent("star_share_percent"));
    if (share.has_value()) {
      program.segments.star_share = *share;
    }
  }

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

std::string FormatTimestamp(absl::Time time) {
  // %E4Y: four digits, so that a year before 1000 is still RFC 3339 ("0999-…").
  return absl::FormatTime("%E4Y-%m-%d%ET%H:%M:%E3SZ", time, absl::UTCTimeZone());
}

absl::StatusOr<absl::Time> ParseTimestamp(absl::string_view text) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error) || time == absl::InfiniteFuture() ||
      time == absl::InfinitePast() || absl::ToCivilYear(time, absl::UTCTimeZone()).year() < 0 ||
      absl::ToCivilYear(time, absl::UTCTimeZone()).year() > 9999) {
    return absl::InvalidArgumentError(
        "must be an RFC 3339 timestamp such as \"2026-01-31T12:00:00Z\"");
  }
  return time;
}

std::string SerializeJson(const json::object& object) {
  std::string text = json::serialize(object);
  if (!base::IsValidUtf8(text)) {
    text = base::ToValidUtf8(text);  // Boost.JSON copies string bytes as they are
  }
  return text;
}

std::string ErrorBody(absl::string_view message) {
  return SerializeJson(json::object{{"error", json::string_view(message.data(), message.size())}});
}

}  // namespace clicktrack::tracker
