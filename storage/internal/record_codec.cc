#include "storage/internal/record_codec.h"

#include "absl/strings/str_cat.h"

namespace clicktrack::storage_internal {
namespace {

using attribution::CommissionRule;
using attribution::CommissionRules;

int64_t Micros(absl::Duration d) { return absl::ToInt64Microseconds(d); }
int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }

void RuleToProto(const std::optional<CommissionRule>& rule,
                 proto::CommissionRule* (*mutable_rule)(proto::CommissionRules*),
                 proto::CommissionRules& out) {
  if (!rule.has_value()) {
    return;
  }
  proto::CommissionRule* record = mutable_rule(&out);
  if (rule->percent.has_value()) {
    record->set_percent_hundredths(rule->percent->hundredths);
  }
  if (rule->fixed_minor.has_value()) {
    record->set_fixed_minor(*rule->fixed_minor);
  }
}

proto::CommissionRules RulesToProto(const CommissionRules& rules) {
  proto::CommissionRules out;
  RuleToProto(
      rules.first_sale, [](proto::CommissionRules* r) { return r->mutable_first_sale(); }, out);
  RuleToProto(
      rules.repeat_sale, [](proto::CommissionRules* r) { return r->mutable_repeat_sale(); }, out);
  RuleToProto(
      rules.upsell, [](proto::CommissionRules* r) { return r->mutable_upsell(); }, out);
  RuleToProto(
      rules.lead, [](proto::CommissionRules* r) { return r->mutable_lead(); }, out);
  return out;
}

std::optional<CommissionRule> RuleFromProto(bool present, const proto::CommissionRule& record) {
  if (!present) {
    return std::nullopt;
  }
  CommissionRule rule;
  if (record.has_percent_hundredths()) {
    rule.percent = attribution::Percent{.hundredths = record.percent_hundredths()};
  }
  if (record.has_fixed_minor()) {
    rule.fixed_minor = record.fixed_minor();
  }
  return rule;
}

CommissionRules RulesFromProto(const proto::CommissionRules& record) {
  return CommissionRules{
      .first_sale = RuleFromProto(record.has_first_sale(), record.first_sale()),
      .repeat_sale = RuleFromProto(record.has_repeat_sale(), record.repeat_sale()),
      .upsell = RuleFromProto(record.has_upsell(), record.upsell()),
      .lead = RuleFromProto(record.has_lead(), record.lead()),
  };
}

}  // namespace

proto::Program ToProto(const attribution::Program& program) {
  proto::Program record;
  record.set_id(program.id);
  record.set_name(program.name);
  record.set_currency(std::string(program.currency.Code()));
  record.set_postback_secret(program.postback_secret);
  record.set_stripe_webhook_secret(program.stripe_webhook_secret);
  for (const std::string& host : program.allowed_hosts) {
    record.add_allowed_hosts(host);
  }
  record.set_pixel(program.pixel);
  record.set_window_micros(Micros(program.attribution.window));
  record.set_model(program.attribution.model == attribution::AttributionModel::kFirstClick
                       ? proto::Program::FIRST_CLICK
                       : proto::Program::LAST_CLICK);
  record.set_lifetime_micros(Micros(program.attribution.lifetime));
  *record.mutable_rules() = RulesToProto(program.commission.rules);
  record.set_hold_micros(Micros(program.commission.hold));
  if (program.commission.loyalty_bonus.has_value()) {
    record.mutable_loyalty_bonus()->set_ltv_over_minor(
        program.commission.loyalty_bonus->ltv_over_minor);
    record.mutable_loyalty_bonus()->set_amount_minor(
        program.commission.loyalty_bonus->amount_minor);
  }
  proto::SegmentSettings* segments = record.mutable_segments();
  segments->set_window_days(program.segments.window_days);
  segments->set_newcomer_days(program.segments.newcomer_days);
  segments->set_star_days(program.segments.star_days);
  segments->set_star_share_hundredths(program.segments.star_share.hundredths);
  segments->set_dormant_days(program.segments.dormant_days);
  record.set_created_at_micros(Micros(program.created_at));
  record.set_updated_at_micros(Micros(program.updated_at));
  return record;
}

absl::StatusOr<attribution::Program> FromProto(const proto::Program& record) {
  attribution::Program program;
  program.id = record.id();
  program.name = record.name();
  absl::StatusOr<attribution::Currency> currency = attribution::FindCurrency(record.currency());
  if (!currency.ok()) {
    return absl::DataLossError(
        absl::StrCat("stored program ", record.id(), " has currency ", record.currency()));
  }
  program.currency = *currency;
  program.postback_secret = record.postback_secret();
  program.stripe_webhook_secret = record.stripe_webhook_secret();
  program.allowed_hosts.assign(record.allowed_hosts().begin(), record.allowed_hosts().end());
  program.pixel = record.pixel();
  program.attribution.window = absl::Microseconds(record.window_micros());
  program.attribution.model = record.model() == proto::Program::FIRST_CLICK
                                  ? attribution::AttributionModel::kFirstClick
                                  : attribution::AttributionModel::kLastClick;
  program.attribution.lifetime = absl::Microseconds(record.lifetime_micros());
  program.commission.rules = RulesFromProto(record.rules());
  program.commission.hold = absl::Microseconds(record.hold_micros());
  if (record.has_loyalty_bonus()) {
    program.commission.loyalty_bonus = attribution::LoyaltyBonus{
        .ltv_over_minor = record.loyalty_bonus().ltv_over_minor(),
        .amount_minor = record.loyalty_bonus().amount_minor(),
    };
  }
  program.segments = attribution::SegmentSettings{
      .window_days = record.segments().window_days(),
      .newcomer_days = record.segments().newcomer_days(),
      .star_days = record.segments().star_days(),
      .star_share = attribution::Percent{.hundredths = record.segments().star_share_hundredths()},
      .dormant_days = record.segments().dormant_days(),
  };
  program.created_at = absl::FromUnixMicros(record.created_at_micros());
  program.updated_at = absl::FromUnixMicros(record.updated_at_micros());
  return program;
}

proto::Partner ToProto(const attribution::Partner& partner) {
  proto::Partner record;
  record.set_program_id(partner.program_id);
  record.set_id(partner.id);
  record.set_name(partner.name);
  record.set_email(partner.email);
  record.set_postback_url(partner.postback_url);
  *record.mutable_commission() = RulesToProto(partner.commission);
  record.set_joined_at_micros(Micros(partner.joined_at));
  return record;
}

attribution::Partner FromProto(const proto::Partner& record) {
  return attribution::Partner{
      .program_id = record.program_id(),
      .id = record.id(),
      .name = record.name(),
      .email = record.email(),
      .postback_url = record.postback_url(),
      .commission = RulesFromProto(record.commission()),
      .joined_at = absl::FromUnixMicros(record.joined_at_micros()),
  };
}

proto::Link ToProto(const attribution::Link& link) {
  proto::Link record;
  record.set_code(link.code);
  record.set_program_id(link.program_id);
  record.set_partner_id(link.partner_id);
  record.set_destination(link.destination);
  record.set_active(link.active);
  record.set_created_at_micros(Micros(link.created_at));
  return record;
}

attribution::Link FromProto(const proto::Link& record) {
  return attribution::Link{
      .code = record.code(),
      .program_id = record.program_id(),
      .partner_id = record.partner_id(),
      .destination = record.destination(),
      .active = record.active(),
      .created_at = absl::FromUnixMicros(record.created_at_micros()),
  };
}

proto::Click ToProto(const attribution::Click& click) {
  proto::Click record;
  record.set_program_id(click.program_id);
  record.set_partner_id(click.partner_id);
  record.set_link_code(click.link_code);
  const auto customer = click.customer_id.Binary();
  record.set_customer_id(customer.data(), customer.size());
  record.set_bot(click.bot);
  record.set_unique(click.unique);
  size_t used = click.subs.size();
  while (used > 0 && click.subs[used - 1].empty()) {
    --used;
  }
  for (size_t i = 0; i < used; ++i) {
    record.add_subs(click.subs[i]);
  }
  return record;
}

attribution::Click FromProto(const attribution::Ulid& id, const proto::Click& record) {
  attribution::Click click;
  click.id = id;
  click.time = id.time();
  click.program_id = record.program_id();
  click.partner_id = record.partner_id();
  click.link_code = record.link_code();
  click.customer_id =
      attribution::Ulid::FromBinary(record.customer_id()).value_or(attribution::Ulid{});
  click.bot = record.bot();
  click.unique = record.unique();
  for (int i = 0; i < record.subs_size() && i < static_cast<int>(click.subs.size()); ++i) {
    click.subs[static_cast<size_t>(i)] = record.subs(i);
  }
  return click;
}

}  // namespace clicktrack::storage_internal
