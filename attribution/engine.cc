#include "attribution/engine.h"

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <limits>

#include "absl/strings/str_cat.h"

#include "attribution/money.h"
#include "attribution/status_macros.h"

namespace clicktrack::attribution {
namespace {

// Alias chains stay short (a merge points every merged id straight at the survivor); the bound
// only guards against a cycle in corrupt data.
constexpr int kMaxAliasDepth = 16;

StatsCounter CountCounter(ConversionKind kind) {
  switch (kind) {
    case ConversionKind::kLead:
      return StatsCounter::kLeads;
    case ConversionKind::kFirstSale:
      return StatsCounter::kFirstSales;
    case ConversionKind::kRepeatSale:
      return StatsCounter::kRepeatSales;
    case ConversionKind::kUpsell:
      return StatsCounter::kUpsells;
  }
  return StatsCounter::kFirstSales;
}

StatsCounter CommissionCounter(ConversionKind kind) {
  switch (kind) {
    case ConversionKind::kLead:
      return StatsCounter::kCommissionLead;
    case ConversionKind::kFirstSale:
      return StatsCounter::kCommissionFirstSale;
    case ConversionKind::kRepeatSale:
      return StatsCounter::kCommissionRepeatSale;
    case ConversionKind::kUpsell:
      return StatsCounter::kCommissionUpsell;
  }
  return StatsCounter::kCommissionFirstSale;
}

// The all-time total a money counter adds to; nullptr for counts (of clicks, sales, …), which
// grow by one per event and cannot reach int64's limit.
int64_t* TotalOf(PartnerTotals& totals, StatsCounter counter) {
  switch (counter) {
    case StatsCounter::kRevenue:
      return &totals.revenue_minor;
    case StatsCounter::kRefunded:
      return &totals.refunded_minor;
    case StatsCounter::kCommissionLead:
    case StatsCounter::kCommissionFirstSale:
    case StatsCounter::kCommissionRepeatSale:
    case StatsCounter::kCommissionUpsell:
    case StatsCounter::kBonus:
      return &totals.commission_minor;
    default:
      return nullptr;
  }
}

absl::Status TotalTooLarge(const Program& program, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("amount: would take ", what, " past ",
                   FormatAmount(std::numeric_limits<int64_t>::max(), program.currency), " ",
                   program.currency.Code(), ", the largest total clicktrack keeps"));
}

// SPEC §3: adds the decision's money movements to each partner's all-time totals, and
// refuses an event that would take one past int64.
absl::Status AccountTotals(const Program& program, AttributionView& view, Decision& decision) {
  for (const CounterDelta& delta : decision.counters) {
    auto found =
        std::find_if(decision.put_partner_totals.begin(), decision.put_partner_totals.end(),
                     [&](const auto& entry) { return entry.first == delta.partner_id; });
    if (found == decision.put_partner_totals.end()) {
      CLICKTRACK_ASSIGN_OR_RETURN(PartnerTotals totals, view.FindPartnerTotals(delta.partner_id));
      decision.put_partner_totals.emplace_back(delta.partner_id, totals);
      found = std::prev(decision.put_partner_totals.end());
    }
    int64_t* total = TotalOf(found->second, delta.counter);
    if (total != nullptr && __builtin_add_overflow(*total, std::abs(delta.delta), total)) {
      return TotalTooLarge(program, delta.partner_id.empty()
                                        ? std::string("the unattributed conversions' totals")
                                        : absl::StrCat("partner ", delta.partner_id, "'s totals"));
    }
  }
  return absl::OkStatus();
}

absl::CivilDay DayOf(absl::Time time) { return absl::ToCivilDay(time, absl::UTCTimeZone()); }

// round(commission × refunded / amount), halves away from zero; exact in 128 bits.
int64_t ProportionalReversal(int64_t commission, int64_t refunded, int64_t amount) {
  if (amount <= 0) {
    return commission;
  }
  const __int128 numerator = static_cast<__int128>(commission) * refunded;
  return static_cast<int64_t>((2 * numerator + amount) / (2 * static_cast<__int128>(amount)));
}

absl::StatusOr<Ulid> Canonical(AttributionView& view, Ulid id) {
  for (int depth = 0; depth < kMaxAliasDepth; ++depth) {
    CLICKTRACK_ASSIGN_OR_RETURN(std::optional<Ulid> next, view.FindAlias(id));
    if (!next.has_value() || *next == id) {
      return id;
    }
    id = *next;
  }
  return id;
}

void AddCounter(Decision& decision, absl::string_view partner, absl::Time time,
                StatsCounter counter, int64_t delta) {
  if (delta != 0) {
    decision.counters.push_back(CounterDelta{.partner_id = std::string(partner),
                                             .day = DayOf(time),
                                             .counter = counter,
                                             .delta = delta});
  }
}

// Applies `amount` of `refund` to `conversion`: the refund totals, the proportional reversal of
// its commission (a ledger entry), the customer's LTV and the counters. `now` dates the entry.
void ApplyRefund(Conversion& conversion, Refund& refund, int64_t amount, CustomerState* customer,
                 absl::Time now, IdSource& ids, Decision& decision) {
  refund.applied = true;
  refund.applied_minor = amount;
  conversion.refunded_minor += amount;
  const int64_t total = ProportionalReversal(conversion.commission_minor, conversion.refunded_minor,
                                             conversion.amount_minor);
  const int64_t delta = total - conversion.reversed_minor;
  conversion.reversed_minor = total;
  refund.reversed_minor = delta;
  if (conversion.attributed() && delta != 0) {
    decision.ledger.push_back(LedgerEntry{.id = ids.NewId(now),
                                          .partner_id = conversion.partner_id,
                                          .type = LedgerType::kReversal,
                                          .conversion_id = conversion.id,
                                          .order_id = conversion.order_id,
                                          .kind = conversion.kind,
                                          .amount_minor = conversion.amount_minor,
                                          .commission_minor = -delta,
                                          .created_at = now,
                                          .approve_at = now});
    AddCounter(decision, conversion.partner_id, now, CommissionCounter(conversion.kind), -delta);
  }
  if (conversion.is_sale()) {
    AddCounter(decision, conversion.partner_id, now, StatsCounter::kRefunded, amount);
    if (customer != nullptr) {
      customer->ltv_minor -= amount;
    }
  }
}

absl::StatusOr<Decision> AttributeRefund(const Program& program, const ConversionEvent& event,
                                         AttributionView& view, IdSource& ids) {
  if (event.amount_minor <= 0) {
    return absl::InvalidArgumentError("amount: a refund must be greater than 0");
  }
  Decision decision;
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<Refund> seen, view.FindRefund(event.refund_id));
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<Conversion> conversion,
                              view.FindConversion(event.order_id));
  if (seen.has_value()) {
    // SPEC §5.9: a refund id names one refund of one order, for good.
    if (seen->order_id != event.order_id) {
      return absl::AlreadyExistsError(
          absl::StrCat("refund_id ", event.refund_id, " was already used for another order"));
    }
    if (seen->amount_minor != event.amount_minor) {
      return absl::AlreadyExistsError(
          absl::StrCat("refund_id ", event.refund_id, " was already used with another amount"));
    }
    decision.result = Result::kDuplicate;
    decision.refund = std::move(seen);
    decision.conversion = std::move(conversion);
    return decision;
  }
  Refund refund{.id = ids.NewId(event.occurred_at),
                .refund_id = event.refund_id,
                .order_id = event.order_id,
                .amount_minor = event.amount_minor,
                .occurred_at = event.occurred_at};
  if (!conversion.has_value()) {
    // Payment systems promise no order: keep it for when the order arrives.
    decision.result = Result::kQueued;
    decision.refund = refund;
    decision.put_refunds.push_back(std::move(refund));
    return decision;
  }
  if (conversion->refunded_minor + event.amount_minor > conversion->amount_minor) {
    const auto money = [&](int64_t minor) {
      return absl::StrCat(FormatAmount(minor, program.currency), " ", program.currency.Code());
    };
    return absl::InvalidArgumentError(absl::StrCat(
        "amount: refunds of order ", event.order_id, " would total ",
        money(conversion->refunded_minor + event.amount_minor), ", more than its amount of ",
        money(conversion->amount_minor)));
  }
  CLICKTRACK_ASSIGN_OR_RETURN(const Ulid owner_id, Canonical(view, conversion->customer_id));
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<CustomerState> customer, view.FindCustomer(owner_id));
  ApplyRefund(*conversion, refund, event.amount_minor, customer ? &*customer : nullptr,
              event.occurred_at, ids, decision);
  CLICKTRACK_RETURN_IF_ERROR(AccountTotals(program, view, decision));
  decision.result = Result::kReversed;
  decision.refund = refund;
  decision.put_refunds.push_back(std::move(refund));
  decision.conversion = conversion;
  decision.put_conversion = std::move(conversion);
  decision.put_customer = std::move(customer);
  return decision;
}

// SPEC §5.1: every identity to one customer, merging customers that turn out to be one person.
// Returns the customer's state (new if nobody is known) with merges applied; records the
// aliases and identity links to write in `decision`; sets `explicit_click` when click_id names a
// known click, and `minted` when the customer is new here (so has no clicks to look up).
absl::StatusOr<CustomerState> ResolveCustomer(
    const ConversionEvent& event, AttributionView& view, IdSource& ids, Decision& decision,
    std::optional<AttributionView::FoundClick>& explicit_click, bool& minted) {
  const Identities& identities = event.identities;
  std::vector<Ulid> raw;
  if (identities.click_id.has_value()) {
    CLICKTRACK_ASSIGN_OR_RETURN(explicit_click, view.FindClick(*identities.click_id));
    if (explicit_click.has_value()) {
      raw.push_back(explicit_click->customer_id);
    }
  }
  if (identities.cookie_customer.has_value()) {
    raw.push_back(*identities.cookie_customer);
  }
  std::optional<Ulid> by_ref;
  std::optional<Ulid> by_email;
  if (!identities.customer_ref.empty()) {
    CLICKTRACK_ASSIGN_OR_RETURN(by_ref, view.FindByRef(identities.customer_ref));
    if (by_ref.has_value()) {
      raw.push_back(*by_ref);
    }
  }
  if (!identities.email_sha256.empty()) {
    CLICKTRACK_ASSIGN_OR_RETURN(by_email, view.FindByEmail(identities.email_sha256));
    if (by_email.has_value()) {
      raw.push_back(*by_email);
    }
  }

  std::vector<CustomerState> candidates;
  for (const Ulid& id : raw) {
    CLICKTRACK_ASSIGN_OR_RETURN(const Ulid canonical, Canonical(view, id));
    if (std::any_of(candidates.begin(), candidates.end(),
                    [&](const CustomerState& c) { return c.id == canonical; })) {
      continue;
    }
    CLICKTRACK_ASSIGN_OR_RETURN(std::optional<CustomerState> state, view.FindCustomer(canonical));
    candidates.push_back(state.has_value() ? *std::move(state) : CustomerState{.id = canonical});
  }

  CustomerState customer;
  minted = candidates.empty();
  if (minted) {
    customer.id = ids.NewId(event.occurred_at);
  } else {
    // The survivor: the one whose owner in this program is the earliest, else the oldest.
    const auto survivor = std::min_element(candidates.begin(), candidates.end(),
                                           [](const CustomerState& a, const CustomerState& b) {
                                             if (a.has_owner() != b.has_owner()) {
                                               return a.has_owner();
                                             }
                                             if (a.has_owner() && a.owned_since != b.owned_since) {
                                               return a.owned_since < b.owned_since;
                                             }
                                             return a.id < b.id;  // ULIDs sort by creation time
                                           });
    customer = *survivor;
    for (const CustomerState& other : candidates) {
      if (other.id == customer.id) {
        continue;
      }
      customer.sales += other.sales;
      customer.leads += other.leads;
      if (__builtin_add_overflow(customer.ltv_minor, other.ltv_minor, &customer.ltv_minor)) {
        return absl::InvalidArgumentError(
            "the customers this event merges would have a lifetime value past what int64 holds");
      }
      customer.bonus_paid = customer.bonus_paid || other.bonus_paid;
      customer.merged.push_back(other.id);
      decision.put_aliases.emplace_back(other.id, customer.id);
      for (const Ulid& earlier : other.merged) {
        customer.merged.push_back(earlier);
        decision.put_aliases.emplace_back(earlier, customer.id);
      }
    }
  }
  if (!identities.customer_ref.empty() && by_ref != customer.id) {
    decision.link_ref = identities.customer_ref;
  }
  if (!identities.email_sha256.empty() && by_email != customer.id) {
    decision.link_email = identities.email_sha256;
  }
  return customer;
}

// SPEC §5.3: the qualifying click that decides, if any.
absl::StatusOr<std::optional<ClickRef>> QualifyingClick(
    const Program& program, const ConversionEvent& event, const CustomerState& customer,
    const std::optional<AttributionView::FoundClick>& explicit_click, AttributionView& view) {
  const absl::Time t = event.occurred_at;
  const absl::Duration window = program.attribution.window;
  if (explicit_click.has_value() && explicit_click->program_id == program.id &&
      !explicit_click->click.bot && explicit_click->click.time <= t &&
      t <= explicit_click->click.time + window) {
    return explicit_click->click;
  }
  std::optional<ClickRef> chosen;
  std::vector<Ulid> ids = {customer.id};
  ids.insert(ids.end(), customer.merged.begin(), customer.merged.end());
  for (const Ulid& id : ids) {
    CLICKTRACK_ASSIGN_OR_RETURN(std::vector<ClickRef> clicks, view.ClicksOf(id, t - window, t));
    for (ClickRef& click : clicks) {
      if (click.bot || click.time > t || click.time + window < t) {
        continue;
      }
      const bool better =
          !chosen.has_value() ||
          (program.attribution.model == AttributionModel::kLastClick
               ? std::tie(click.time, click.id) > std::tie(chosen->time, chosen->id)
               : std::tie(click.time, click.id) < std::tie(chosen->time, chosen->id));
      if (better) {
        chosen = std::move(click);
      }
    }
  }
  return chosen;
}

}  // namespace

std::optional<CommissionRule> EffectiveRule(const CommissionRules& program_rules,
                                            const CommissionRules& overrides, ConversionKind kind) {
  auto pick = [](const CommissionRules& rules,
                 ConversionKind k) -> const std::optional<CommissionRule>& {
    switch (k) {
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
  };
  if (const auto& rule = pick(overrides, kind); rule.has_value()) {
    return rule;
  }
  if (const auto& rule = pick(program_rules, kind); rule.has_value()) {
    return rule;
  }
  if (kind == ConversionKind::kUpsell) {
    return EffectiveRule(program_rules, overrides, ConversionKind::kRepeatSale);
  }
  return std::nullopt;
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

std::string DefaultRefundId(absl::string_view order_id, int64_t amount_minor) {
  return absl::StrCat(order_id, "+", amount_minor);
}

absl::StatusOr<Decision> Attribute(const Program& program, const ConversionEvent& event,
                                   AttributionView& view, IdSource& ids) {
  if (event.status != PaymentStatus::kApproved) {
    return AttributeRefund(program, event, view, ids);
  }
  const absl::Time t = event.occurred_at;
  Decision decision;

  // §5.8 Idempotency.
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<Conversion> existing,
                              view.FindConversion(event.order_id));
  if (existing.has_value()) {
    if (existing->amount_minor != event.amount_minor) {
      return absl::AlreadyExistsError(
          absl::StrCat("order_id ", event.order_id, " was already recorded with another amount"));
    }
    decision.result = Result::kDuplicate;
    decision.conversion = std::move(existing);
    return decision;
  }

  // §5.1 The customer.
  std::optional<AttributionView::FoundClick> explicit_click;
  bool minted = false;
  CLICKTRACK_ASSIGN_OR_RETURN(CustomerState customer,
                              ResolveCustomer(event, view, ids, decision, explicit_click, minted));

  // §5.2 Owner first; §5.3 else a click, whose partner becomes the owner.
  std::string partner;
  std::optional<Ulid> credited_click;
  const absl::Duration lifetime = program.attribution.lifetime;
  const bool owner_active = customer.has_owner() && (lifetime == absl::ZeroDuration() ||
                                                     t <= customer.owned_since + lifetime);
  if (owner_active) {
    partner = customer.owner_partner_id;
  } else if (!minted) {  // a customer minted here has no clicks: no look-up
    CLICKTRACK_ASSIGN_OR_RETURN(std::optional<ClickRef> click,
                                QualifyingClick(program, event, customer, explicit_click, view));
    if (click.has_value()) {
      partner = click->partner_id;
      credited_click = click->id;
      customer.owner_partner_id = partner;
      customer.owned_since = t;
      AddCounter(decision, partner, t, StatsCounter::kCustomersAcquired, 1);
    }
  }

  // §5.5 Kind; §5.6 commission.
  ConversionKind kind = ConversionKind::kLead;
  if (event.type != ConversionType::kLead) {
    kind = customer.sales == 0                     ? ConversionKind::kFirstSale
           : event.type == ConversionType::kUpsell ? ConversionKind::kUpsell
                                                   : ConversionKind::kRepeatSale;
  }
  int64_t commission = 0;
  if (!partner.empty()) {
    const std::optional<CommissionRules> overrides = view.PartnerRules(partner);
    if (const std::optional<CommissionRule> rule =
            EffectiveRule(program.commission.rules, overrides.value_or(CommissionRules{}), kind)) {
      commission = CommissionFor(*rule, event.amount_minor);
    }
  }
  Conversion conversion{.id = ids.NewId(t),
                        .order_id = event.order_id,
                        .customer_id = customer.id,
                        .kind = kind,
                        .partner_id = partner,
                        .click_id = credited_click,
                        .amount_minor = event.amount_minor,
                        .commission_minor = commission,
                        .occurred_at = t,
                        .approve_at = t + program.commission.hold};
  if (kind == ConversionKind::kLead) {
    ++customer.leads;
  } else {
    ++customer.sales;
    if (__builtin_add_overflow(customer.ltv_minor, event.amount_minor, &customer.ltv_minor)) {
      return TotalTooLarge(program, "the customer's lifetime value");
    }
    AddCounter(decision, partner, t, StatsCounter::kRevenue, event.amount_minor);
  }
  AddCounter(decision, partner, t, CountCounter(kind), 1);
  if (commission != 0) {
    AddCounter(decision, partner, t, CommissionCounter(kind), commission);
    decision.ledger.push_back(LedgerEntry{.id = ids.NewId(t),
                                          .partner_id = partner,
                                          .type = LedgerType::kAccrual,
                                          .conversion_id = conversion.id,
                                          .order_id = conversion.order_id,
                                          .kind = kind,
                                          .amount_minor = event.amount_minor,
                                          .commission_minor = commission,
                                          .created_at = t,
                                          .approve_at = conversion.approve_at});
  }

  // §5.7 Loyalty bonus: once, at the first owner-credited sale that lifts LTV above the bar.
  const std::optional<LoyaltyBonus>& bonus = program.commission.loyalty_bonus;
  if (bonus.has_value() && kind != ConversionKind::kLead && !partner.empty() &&
      partner == customer.owner_partner_id && !customer.bonus_paid &&
      customer.ltv_minor > bonus->ltv_over_minor) {
    customer.bonus_paid = true;
    decision.ledger.push_back(LedgerEntry{.id = ids.NewId(t),
                                          .partner_id = partner,
                                          .type = LedgerType::kBonus,
                                          .conversion_id = conversion.id,
                                          .order_id = conversion.order_id,
                                          .kind = std::nullopt,
                                          .amount_minor = 0,
                                          .commission_minor = bonus->amount_minor,
                                          .created_at = t,
                                          .approve_at = conversion.approve_at});
    AddCounter(decision, partner, t, StatsCounter::kBonus, bonus->amount_minor);
  }

  // §5.9 Refunds that arrived before their order.
  CLICKTRACK_ASSIGN_OR_RETURN(std::vector<Refund> queued, view.QueuedRefunds(event.order_id));
  for (Refund& refund : queued) {
    const int64_t left = conversion.amount_minor - conversion.refunded_minor;
    const int64_t amount = std::min(refund.amount_minor, left);
    if (amount < refund.amount_minor) {
      decision.notes.push_back(absl::StrCat(
          "queued refund ", refund.refund_id, " of order ", event.order_id,
          " capped at the order amount: ", refund.amount_minor - amount, " minor units dropped"));
    }
    ApplyRefund(conversion, refund, amount, &customer, t, ids, decision);
    decision.put_refunds.push_back(std::move(refund));
  }

  CLICKTRACK_RETURN_IF_ERROR(AccountTotals(program, view, decision));
  decision.result = partner.empty() ? Result::kUnattributed : Result::kAttributed;
  decision.conversion = conversion;
  decision.put_conversion = std::move(conversion);
  decision.put_customer = std::move(customer);
  return decision;
}

}  // namespace clicktrack::attribution
