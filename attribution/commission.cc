#include "attribution/commission.h"

#include "attribution/money.h"

namespace clicktrack::attribution {
namespace {

const std::optional<CommissionRule>& RuleOf(const CommissionRules& rules, ConversionKind kind) {
  switch (kind) {
    case ConversionKind::kLead:
      return rules.lead;
    case ConversionKind::kFirstSale:
      return rules.first_sale;
    case ConversionKind::kRepeatSale:
      return rules.repeat_sale;
    case ConversionKind::kUpsell:
      return rules.upsell;
  }
  return rules.first_sale;
}

}  // namespace

std::optional<PricingRule> PricingRuleFor(const CommissionRules& program_rules,
                                          const CommissionRules& overrides, ConversionKind kind) {
  if (const auto& rule = RuleOf(overrides, kind); rule.has_value()) {
    return PricingRule{.rule = *rule, .from_partner = true};
  }
  if (const auto& rule = RuleOf(program_rules, kind); rule.has_value()) {
    return PricingRule{.rule = *rule, .from_partner = false};
  }
  if (kind == ConversionKind::kUpsell) {
    return PricingRuleFor(program_rules, overrides, ConversionKind::kRepeatSale);
  }
  return std::nullopt;
}

std::optional<CommissionRule> EffectiveRule(const CommissionRules& program_rules,
                                            const CommissionRules& overrides, ConversionKind kind) {
  const std::optional<PricingRule> priced = PricingRuleFor(program_rules, overrides, kind);
  return priced.has_value() ? std::optional(priced->rule) : std::nullopt;
}

int64_t CommissionFor(const CommissionRule& rule, int64_t amount_minor) {
  int64_t commission = 0;
  if (rule.percent.has_value()) {
    commission += ApplyPercent(amount_minor, *rule.percent);
  }
  if (rule.fixed_minor.has_value()) {
    commission += *rule.fixed_minor;
  }
  return commission;
}

CommissionStatus EntryStatusAt(const LedgerEntry& entry, const Conversion* conversion,
                               absl::Time now) {
  if (entry.type == LedgerType::kReversal) {
    return CommissionStatus::kReversed;
  }
  if (entry.payout_id.has_value()) {
    return CommissionStatus::kPaid;
  }
  if (entry.type == LedgerType::kAccrual && conversion != nullptr) {
    return StatusAt(*conversion, now);
  }
  return now < entry.approve_at ? CommissionStatus::kPending : CommissionStatus::kApproved;
}

}  // namespace clicktrack::attribution
