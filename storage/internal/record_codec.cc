#include "storage/internal/record_codec.h"

#include "absl/strings/str_cat.h"

namespace clicktrack::storage_internal {
namespace {

using attribution::CommissionRule;
using attribution::CommissionRules;

int64_t Micros(absl::Duration d) { return absl::ToInt64Microseconds(d); }
int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }

void FillRule(const CommissionRule& rule, proto::CommissionRule& record) {
  if (rule.percent.has_value()) {
    record.set_percent_hundredths(rule.percent->hundredths);
  }
  if (rule.fixed_minor.has_value()) {
    record.set_fixed_minor(*rule.fixed_minor);
  }
}

void RuleToProto(const std::optional<CommissionRule>& rule,
                 proto::CommissionRule* (*mutable_rule)(proto::CommissionRules*),
                 proto::CommissionRules& out) {
  if (rule.has_value()) {
    FillRule(*rule, *mutable_rule(&out));
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

proto::PricingRule PricingToProto(const attribution::PricingRule& pricing) {
  proto::PricingRule record;
  FillRule(pricing.rule, *record.mutable_rule());
  record.set_from_partner(pricing.from_partner);
  return record;
}

std::optional<attribution::PricingRule> PricingFromProto(bool present,
                                                         const proto::PricingRule& record) {
  if (!present) {
    return std::nullopt;
  }
  return attribution::PricingRule{.rule = *RuleFromProto(true, record.rule()),
                                  .from_partner = record.from_partner()};
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

void FillProto(const attribution::Click& click, proto::Click& record) {
  record.set_program_id(click.program_id);
  record.set_partner_id(click.partner_id);
  record.set_link_code(click.link_code);
  if (click.customer_id == click.id) {
    record.mutable_customer_id()->clear();  // the click minted its customer: the id says it
  } else {
    const auto customer = click.customer_id.Binary();
    record.mutable_customer_id()->assign(customer.data(), customer.size());  // set_ allocates
  }
  record.set_bot(click.bot);
  record.set_unique(click.unique);
  size_t used = click.subs.size();
  while (used > 0 && click.subs[used - 1].empty()) {
    --used;
  }
  record.mutable_subs()->Clear();  // keeps the strings for the adds below
  for (size_t i = 0; i < used; ++i) {
    record.add_subs(click.subs[i]);
  }
}

attribution::Click FromProto(const attribution::Ulid& id, const proto::Click& record) {
  attribution::Click click;
  click.id = id;
  click.time = id.time();
  click.program_id = record.program_id();
  click.partner_id = record.partner_id();
  click.link_code = record.link_code();
  click.customer_id =
      record.customer_id().empty()
          ? id
          : attribution::Ulid::FromBinary(record.customer_id()).value_or(attribution::Ulid{});
  click.bot = record.bot();
  click.unique = record.unique();
  for (int i = 0; i < record.subs_size() && i < static_cast<int>(click.subs.size()); ++i) {
    click.subs[static_cast<size_t>(i)] = record.subs(i);
  }
  return click;
}

std::string UlidBytes(const attribution::Ulid& id) {
  const auto binary = id.Binary();
  return std::string(binary.data(), binary.size());
}

attribution::Ulid UlidFrom(const std::string& bytes) {
  return attribution::Ulid::FromBinary(bytes).value_or(attribution::Ulid{});
}

namespace {

proto::Kind KindToProto(attribution::ConversionKind kind) {
  switch (kind) {
    case attribution::ConversionKind::kFirstSale:
      return proto::FIRST_SALE;
    case attribution::ConversionKind::kRepeatSale:
      return proto::REPEAT_SALE;
    case attribution::ConversionKind::kUpsell:
      return proto::UPSELL;
    case attribution::ConversionKind::kLead:
      return proto::LEAD;
  }
  return proto::FIRST_SALE;
}

attribution::ConversionKind KindFromProto(proto::Kind kind) {
  switch (kind) {
    case proto::REPEAT_SALE:
      return attribution::ConversionKind::kRepeatSale;
    case proto::UPSELL:
      return attribution::ConversionKind::kUpsell;
    case proto::LEAD:
      return attribution::ConversionKind::kLead;
    default:
      return attribution::ConversionKind::kFirstSale;
  }
}

}  // namespace

proto::Customer ToProto(const attribution::CustomerState& customer) {
  proto::Customer record;
  record.set_owner_partner_id(customer.owner_partner_id);
  record.set_owned_since_micros(Micros(customer.owned_since));
  record.set_sales(customer.sales);
  record.set_leads(customer.leads);
  record.set_ltv_minor(customer.ltv_minor);
  record.set_bonus_paid(customer.bonus_paid);
  record.set_owner_sales(customer.owner_sales);
  for (const attribution::Ulid& merged : customer.merged) {
    record.add_merged(UlidBytes(merged));
  }
  return record;
}

attribution::CustomerState FromProto(const attribution::Ulid& id, const proto::Customer& record) {
  attribution::CustomerState customer;
  customer.id = id;
  customer.owner_partner_id = record.owner_partner_id();
  customer.owned_since = absl::FromUnixMicros(record.owned_since_micros());
  customer.sales = record.sales();
  customer.leads = record.leads();
  customer.ltv_minor = record.ltv_minor();
  customer.bonus_paid = record.bonus_paid();
  customer.owner_sales = record.owner_sales();
  for (const std::string& merged : record.merged()) {
    customer.merged.push_back(UlidFrom(merged));
  }
  return customer;
}

proto::PartnerTotals ToProto(const attribution::PartnerTotals& totals) {
  proto::PartnerTotals record;
  record.set_revenue_minor(totals.revenue_minor);
  record.set_refunded_minor(totals.refunded_minor);
  record.set_commission_minor(totals.commission_minor);
  if (totals.first_conversion_at.has_value()) {
    record.set_first_conversion_micros(Micros(*totals.first_conversion_at));
  }
  return record;
}

attribution::PartnerTotals FromProto(const proto::PartnerTotals& record) {
  attribution::PartnerTotals totals{.revenue_minor = record.revenue_minor(),
                                    .refunded_minor = record.refunded_minor(),
                                    .commission_minor = record.commission_minor()};
  if (record.has_first_conversion_micros()) {
    totals.first_conversion_at = absl::FromUnixMicros(record.first_conversion_micros());
  }
  return totals;
}

proto::Conversion ToProto(const attribution::Conversion& conversion) {
  proto::Conversion record;
  record.set_id(UlidBytes(conversion.id));
  record.set_customer_id(UlidBytes(conversion.customer_id));
  record.set_kind(KindToProto(conversion.kind));
  record.set_partner_id(conversion.partner_id);
  if (conversion.click_id.has_value()) {
    record.set_click_id(UlidBytes(*conversion.click_id));
  }
  record.set_amount_minor(conversion.amount_minor);
  record.set_commission_minor(conversion.commission_minor);
  record.set_occurred_at_micros(Micros(conversion.occurred_at));
  record.set_approve_at_micros(Micros(conversion.approve_at));
  record.set_refunded_minor(conversion.refunded_minor);
  record.set_reversed_minor(conversion.reversed_minor);
  if (conversion.acquired_at.has_value()) {
    record.set_acquired_at_micros(Micros(*conversion.acquired_at));
  }
  if (conversion.rule.has_value()) {
    *record.mutable_rule() = PricingToProto(*conversion.rule);
  }
  return record;
}

attribution::Conversion FromProto(absl::string_view order_id, const proto::Conversion& record) {
  attribution::Conversion conversion;
  conversion.id = UlidFrom(record.id());
  conversion.order_id = std::string(order_id);
  conversion.customer_id = UlidFrom(record.customer_id());
  conversion.kind = KindFromProto(record.kind());
  conversion.partner_id = record.partner_id();
  if (!record.click_id().empty()) {
    conversion.click_id = UlidFrom(record.click_id());
  }
  conversion.amount_minor = record.amount_minor();
  conversion.commission_minor = record.commission_minor();
  conversion.occurred_at = absl::FromUnixMicros(record.occurred_at_micros());
  conversion.approve_at = absl::FromUnixMicros(record.approve_at_micros());
  conversion.refunded_minor = record.refunded_minor();
  conversion.reversed_minor = record.reversed_minor();
  if (record.has_acquired_at_micros()) {
    conversion.acquired_at = absl::FromUnixMicros(record.acquired_at_micros());
  }
  conversion.rule = PricingFromProto(record.has_rule(), record.rule());
  return conversion;
}

proto::Refund ToProto(const attribution::Refund& refund) {
  proto::Refund record;
  record.set_id(UlidBytes(refund.id));
  record.set_order_id(refund.order_id);
  record.set_amount_minor(refund.amount_minor);
  record.set_applied_minor(refund.applied_minor);
  record.set_reversed_minor(refund.reversed_minor);
  record.set_occurred_at_micros(Micros(refund.occurred_at));
  record.set_applied(refund.applied);
  for (const std::string& ref : refund.also_queued_under) {
    record.add_also_queued_under(ref);
  }
  return record;
}

attribution::Refund FromProto(absl::string_view refund_id, const proto::Refund& record) {
  return attribution::Refund{
      .id = UlidFrom(record.id()),
      .refund_id = std::string(refund_id),
      .order_id = record.order_id(),
      .amount_minor = record.amount_minor(),
      .applied_minor = record.applied_minor(),
      .reversed_minor = record.reversed_minor(),
      .occurred_at = absl::FromUnixMicros(record.occurred_at_micros()),
      .applied = record.applied(),
      .also_queued_under = {record.also_queued_under().begin(), record.also_queued_under().end()}};
}

proto::LedgerEntry ToProto(const attribution::LedgerEntry& entry) {
  proto::LedgerEntry record;
  switch (entry.type) {
    case attribution::LedgerType::kAccrual:
      record.set_type(proto::LedgerEntry::ACCRUAL);
      break;
    case attribution::LedgerType::kReversal:
      record.set_type(proto::LedgerEntry::REVERSAL);
      break;
    case attribution::LedgerType::kBonus:
      record.set_type(proto::LedgerEntry::BONUS);
      break;
  }
  record.set_conversion_id(UlidBytes(entry.conversion_id));
  record.set_order_id(entry.order_id);
  if (entry.kind.has_value()) {
    record.set_kind(KindToProto(*entry.kind));
  }
  record.set_amount_minor(entry.amount_minor);
  record.set_commission_minor(entry.commission_minor);
  record.set_created_at_micros(Micros(entry.created_at));
  record.set_approve_at_micros(Micros(entry.approve_at));
  if (entry.payout_id.has_value()) {
    record.set_payout_id(UlidBytes(*entry.payout_id));
  }
  if (entry.rule.has_value()) {
    *record.mutable_rule() = PricingToProto(*entry.rule);
  }
  return record;
}

attribution::LedgerEntry FromProto(absl::string_view partner_id, const attribution::Ulid& id,
                                   const proto::LedgerEntry& record) {
  attribution::LedgerEntry entry;
  entry.id = id;
  entry.partner_id = std::string(partner_id);
  switch (record.type()) {
    case proto::LedgerEntry::REVERSAL:
      entry.type = attribution::LedgerType::kReversal;
      break;
    case proto::LedgerEntry::BONUS:
      entry.type = attribution::LedgerType::kBonus;
      break;
    default:
      entry.type = attribution::LedgerType::kAccrual;
      break;
  }
  entry.conversion_id = UlidFrom(record.conversion_id());
  entry.order_id = record.order_id();
  if (record.has_kind()) {
    entry.kind = KindFromProto(record.kind());
  }
  entry.amount_minor = record.amount_minor();
  entry.commission_minor = record.commission_minor();
  entry.created_at = absl::FromUnixMicros(record.created_at_micros());
  entry.approve_at = absl::FromUnixMicros(record.approve_at_micros());
  if (!record.payout_id().empty()) {
    entry.payout_id = UlidFrom(record.payout_id());
  }
  entry.rule = PricingFromProto(record.has_rule(), record.rule());
  return entry;
}

proto::Payout ToProto(const attribution::Payout& payout) {
  proto::Payout record;
  record.set_partner_id(payout.partner_id);
  record.set_amount_minor(payout.amount_minor);
  record.set_entries(payout.entries);
  record.set_note(payout.note);
  record.set_created_at_micros(Micros(payout.created_at));
  return record;
}

attribution::Payout FromProto(const attribution::Ulid& id, const proto::Payout& record) {
  return attribution::Payout{.id = id,
                             .partner_id = record.partner_id(),
                             .amount_minor = record.amount_minor(),
                             .entries = record.entries(),
                             .note = record.note(),
                             .created_at = absl::FromUnixMicros(record.created_at_micros())};
}

}  // namespace clicktrack::storage_internal
