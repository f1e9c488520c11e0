#pragma once

// SPEC §5.6: what a conversion pays, and (SPEC §6) the status of a commission at a date.

#include <cstdint>
#include <optional>

#include "absl/time/time.h"

#include "attribution/conversion.h"
#include "attribution/program.h"

namespace clicktrack::attribution {

// The rule that pays `kind` for a partner with `overrides`: the partner's, else the program's;
// an upsell without a rule is paid as a repeat sale. nullopt: nothing is paid.
std::optional<CommissionRule> EffectiveRule(const CommissionRules& program_rules,
                                            const CommissionRules& overrides, ConversionKind kind);

// EffectiveRule, and whose it is.
std::optional<PricingRule> PricingRuleFor(const CommissionRules& program_rules,
                                          const CommissionRules& overrides, ConversionKind kind);

// percent of `amount_minor` plus fixed, in minor units.
int64_t CommissionFor(const CommissionRule& rule, int64_t amount_minor);

// The status of ledger `entry` at `now`: a reversal is reversed; an accrual or bonus a payout
// settled is paid; an accrual has the status of its conversion (`conversion`, when it was
// found); otherwise pending until the entry's approve_at, then approved.
CommissionStatus EntryStatusAt(const LedgerEntry& entry, const Conversion* conversion,
                               absl::Time now);

}  // namespace clicktrack::attribution
