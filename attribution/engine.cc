#include "attribution/engine.h"

#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

#include "attribution/base/status_macros.h"
#include "attribution/commission.h"
#include "attribution/internal/customers.h"
#include "attribution/internal/decision_counters.h"
#include "attribution/internal/payments.h"
#include "attribution/internal/refunds.h"

namespace clicktrack::attribution {
namespace {

using engine_internal::AccountTotals;
using engine_internal::AddCounter;
using engine_internal::CommissionCounter;
using engine_internal::CountCounter;
using engine_internal::ResolvedCustomer;

// Who is credited with a sale, and through which click (none when the owner is).
struct Credit {
  std::string partner_id;  // "" = unattributed
  std::optional<Ulid> click_id;
};

// SPEC §5.8: an order is recorded once. The duplicate's decision, nullopt for a new order, or
// kAlreadyExists when the order was recorded with another amount. A payment system may name one
// order twice (a payment intent and its invoice): an order that one of the event's payment
// references names, or that a reference equal to its order id was linked to, is the same order.
absl::StatusOr<std::optional<Decision>> FindDuplicate(const ConversionEvent& event,
                                                      AttributionView& view) {
  CLICKTRACK_ASSIGN_OR_RETURN(
      std::optional<Conversion> existing,
      engine_internal::FindOrderByRefs(event.order_id, event.payment_refs, view));
  if (!existing.has_value()) {
    return std::nullopt;
  }
  if (existing->order_id == event.order_id && existing->amount_minor != event.amount_minor) {
    return absl::AlreadyExistsError(
        absl::StrCat("order_id ", event.order_id, " was already recorded with another amount"));
  }
  Decision decision;
  decision.result = Result::kDuplicate;
  decision.conversion = std::move(existing);
  return decision;
}

bool IsBetterClick(AttributionModel model, const ClickRef& click,
                   const std::optional<ClickRef>& chosen) {
  if (!chosen.has_value()) {
    return true;
  }
  return model == AttributionModel::kLastClick
             ? std::tie(click.time, click.id) > std::tie(chosen->time, chosen->id)
             : std::tie(click.time, click.id) < std::tie(chosen->time, chosen->id);
}

// SPEC §5.3: the qualifying click that decides, if any.
absl::StatusOr<std::optional<ClickRef>> QualifyingClick(const Program& program, absl::Time t,
                                                        const ResolvedCustomer& resolved,
                                                        AttributionView& view) {
  const absl::Duration window = program.attribution.window;
  const std::optional<AttributionView::FoundClick>& named = resolved.explicit_click;
  if (named.has_value() && named->program_id == program.id && !named->click.bot &&
      named->click.time <= t && t <= named->click.time + window) {
    return named->click;
  }
  std::optional<ClickRef> chosen;
  std::vector<Ulid> ids = {resolved.state.id};
  ids.insert(ids.end(), resolved.state.merged.begin(), resolved.state.merged.end());
  for (const Ulid& id : ids) {
    CLICKTRACK_ASSIGN_OR_RETURN(std::vector<ClickRef> clicks, view.ClicksOf(id, t - window, t));
    for (ClickRef& click : clicks) {
      const bool qualifies = !click.bot && click.time <= t && t <= click.time + window;
      if (qualifies && IsBetterClick(program.attribution.model, click, chosen)) {
        chosen = std::move(click);
      }
    }
  }
  return chosen;
}

// SPEC §5.2, the owner first; §5.3, else a qualifying click, whose partner becomes the owner
// (and counts a customer acquired).
absl::StatusOr<Credit> CreditOwnerOrClick(const Program& program, absl::Time t,
                                          ResolvedCustomer& resolved, AttributionView& view,
                                          Decision& decision) {
  CustomerState& customer = resolved.state;
  const absl::Duration lifetime = program.attribution.lifetime;
  if (customer.has_owner() &&
      (lifetime == absl::ZeroDuration() || t <= customer.owned_since + lifetime)) {
    return Credit{.partner_id = customer.owner_partner_id};
  }
  if (resolved.minted) {  // a customer minted here has no clicks: no look-up
    return Credit{};
  }
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<ClickRef> click,
                              QualifyingClick(program, t, resolved, view));
  if (!click.has_value()) {
    return Credit{};
  }
  customer.owner_partner_id = click->partner_id;
  customer.owned_since = t;
  customer.owner_sales = 0;
  engine_internal::AddAcquiredCounter(decision, click->partner_id, t, t,
                                      StatsCounter::kCustomersAcquired, 1);
  return Credit{.partner_id = click->partner_id, .click_id = click->id};
}

// SPEC §5.5: a lead, or a sale that is the customer's first, an upsell, or a repeat sale.
ConversionKind KindOf(const ConversionEvent& event, const CustomerState& customer) {
  if (event.type == ConversionType::kLead) {
    return ConversionKind::kLead;
  }
  return customer.sales == 0                     ? ConversionKind::kFirstSale
         : event.type == ConversionType::kUpsell ? ConversionKind::kUpsell
                                                 : ConversionKind::kRepeatSale;
}

// SPEC §5.6: the commission of `kind` for `partner_id` (none for an unattributed sale).
std::optional<PricingRule> RuleOf(const Program& program, AttributionView& view,
                                  absl::string_view partner_id, ConversionKind kind) {
  if (partner_id.empty()) {
    return std::nullopt;
  }
  const std::optional<CommissionRules> overrides = view.PartnerRules(partner_id);
  return PricingRuleFor(program.commission.rules, overrides.value_or(CommissionRules{}), kind);
}

// The conversion and what it moves: the customer's counts and LTV, the counters, and the
// accrual of its commission.
absl::Status RecordConversion(const Program& program, const ConversionEvent& event,
                              const Conversion& conversion, CustomerState& customer, IdSource& ids,
                              Decision& decision) {
  const absl::Time t = conversion.occurred_at;
  const std::string& partner = conversion.partner_id;
  if (!conversion.is_sale()) {
    ++customer.leads;
  } else {
    ++customer.sales;
    if (__builtin_add_overflow(customer.ltv_minor, event.amount_minor, &customer.ltv_minor)) {
      return engine_internal::TotalTooLarge(program, "the customer's lifetime value");
    }
    AddCounter(decision, partner, t, StatsCounter::kRevenue, event.amount_minor);
    if (conversion.attributed()) {  // credited to the owner (SPEC §5.2, §5.3)
      engine_internal::CountOwnerSale(decision, customer, t, event.amount_minor);
    }
  }
  AddCounter(decision, partner, t, CountCounter(conversion.kind), 1);
  if (conversion.commission_minor != 0) {
    AddCounter(decision, partner, t, CommissionCounter(conversion.kind),
               conversion.commission_minor);
    decision.ledger.push_back(LedgerEntry{.id = ids.NewId(t),
                                          .partner_id = partner,
                                          .type = LedgerType::kAccrual,
                                          .conversion_id = conversion.id,
                                          .order_id = conversion.order_id,
                                          .kind = conversion.kind,
                                          .amount_minor = event.amount_minor,
                                          .commission_minor = conversion.commission_minor,
                                          .created_at = t,
                                          .approve_at = conversion.approve_at,
                                          .rule = conversion.rule});
  }
  return absl::OkStatus();
}

// SPEC §5.7: the loyalty bonus, once per customer, at the first sale credited to its owner
// that lifts the LTV above the program's bar.
void PayLoyaltyBonus(const Program& program, const Conversion& conversion, CustomerState& customer,
                     IdSource& ids, Decision& decision) {
  const std::optional<LoyaltyBonus>& bonus = program.commission.loyalty_bonus;
  if (!bonus.has_value() || !conversion.is_sale() || !conversion.attributed() ||
      conversion.partner_id != customer.owner_partner_id || customer.bonus_paid ||
      customer.ltv_minor <= bonus->ltv_over_minor) {
    return;
  }
  const absl::Time t = conversion.occurred_at;
  customer.bonus_paid = true;
  decision.ledger.push_back(LedgerEntry{.id = ids.NewId(t),
                                        .partner_id = conversion.partner_id,
                                        .type = LedgerType::kBonus,
                                        .conversion_id = conversion.id,
                                        .order_id = conversion.order_id,
                                        .kind = std::nullopt,
                                        .amount_minor = 0,
                                        .commission_minor = bonus->amount_minor,
                                        .created_at = t,
                                        .approve_at = conversion.approve_at});
  AddCounter(decision, conversion.partner_id, t, StatsCounter::kBonus, bonus->amount_minor);
}

absl::StatusOr<Decision> AttributeSale(const Program& program, const ConversionEvent& event,
                                       AttributionView& view, IdSource& ids) {
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<Decision> duplicate, FindDuplicate(event, view));
  if (duplicate.has_value()) {
    return *std::move(duplicate);
  }
  const absl::Time t = event.occurred_at;
  Decision decision;
  CLICKTRACK_ASSIGN_OR_RETURN(ResolvedCustomer resolved,
                              engine_internal::ResolveCustomer(event, view, ids, decision));
  CLICKTRACK_ASSIGN_OR_RETURN(const Credit credit,
                              CreditOwnerOrClick(program, t, resolved, view, decision));
  CustomerState& customer = resolved.state;
  const ConversionKind kind = KindOf(event, customer);
  Conversion conversion{.id = ids.NewId(t),
                        .order_id = event.order_id,
                        .customer_id = customer.id,
                        .kind = kind,
                        .partner_id = credit.partner_id,
                        .click_id = credit.click_id,
                        .amount_minor = event.amount_minor,
                        .commission_minor = 0,
                        .occurred_at = t,
                        .approve_at = t + program.commission.hold,
                        .acquired_at = credit.partner_id.empty()
                                           ? std::nullopt
                                           : std::optional<absl::Time>(customer.owned_since),
                        .rule = RuleOf(program, view, credit.partner_id, kind)};
  if (conversion.rule.has_value()) {
    conversion.commission_minor = CommissionFor(conversion.rule->rule, event.amount_minor);
  }
  CLICKTRACK_RETURN_IF_ERROR(RecordConversion(program, event, conversion, customer, ids, decision));
  PayLoyaltyBonus(program, conversion, customer, ids, decision);
  CLICKTRACK_RETURN_IF_ERROR(engine_internal::ApplyQueuedRefunds(view, ids, event.payment_refs, t,
                                                                 conversion, customer, decision));
  for (const std::string& ref : event.payment_refs) {
    decision.put_payment_links.emplace_back(ref, event.order_id);
  }
  CLICKTRACK_RETURN_IF_ERROR(AccountTotals(program, view, decision));
  engine_internal::NoteFirstConversion(decision, credit.partner_id, t);
  decision.result = credit.partner_id.empty() ? Result::kUnattributed : Result::kAttributed;
  decision.conversion = conversion;
  decision.put_conversion = std::move(conversion);
  decision.put_customer = std::move(customer);
  return decision;
}

// Links the event's identities to one customer (SPEC §5.1), and nothing else.
absl::StatusOr<Decision> LinkIdentities(const ConversionEvent& event, AttributionView& view,
                                        IdSource& ids) {
  Decision decision;
  if (event.identities.empty()) {
    decision.result = Result::kIgnored;
    return decision;
  }
  CLICKTRACK_ASSIGN_OR_RETURN(engine_internal::ResolvedCustomer resolved,
                              engine_internal::ResolveCustomer(event, view, ids, decision));
  decision.result = Result::kLinked;
  decision.put_customer = std::move(resolved.state);
  return decision;
}

// An owner carried over from another platform (SPEC §6 import): the customer named by the
// event's identities is the partner's from occurred_at, unless it has an owner since then or
// earlier (the earliest ownership stands, as when customers merge).
absl::StatusOr<Decision> SetOwner(const Program& program, const ConversionEvent& event,
                                  AttributionView& view, IdSource& ids) {
  if (!view.PartnerRules(event.owner_partner_id).has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("partner_id: partner ", event.owner_partner_id, " not found"));
  }
  Decision decision;
  CLICKTRACK_ASSIGN_OR_RETURN(ResolvedCustomer resolved,
                              engine_internal::ResolveCustomer(event, view, ids, decision));
  CustomerState& customer = resolved.state;
  const absl::Time since = event.occurred_at;
  if (customer.has_owner() && customer.owned_since <= since) {
    decision.result = Result::kDuplicate;
    decision.put_customer = std::move(customer);  // the identities still link
    return decision;
  }
  customer.owner_partner_id = event.owner_partner_id;
  customer.owned_since = since;
  customer.owner_sales = 0;
  engine_internal::AddAcquiredCounter(decision, event.owner_partner_id, since, since,
                                      StatsCounter::kCustomersAcquired, 1);
  CLICKTRACK_RETURN_IF_ERROR(AccountTotals(program, view, decision));
  decision.result = Result::kLinked;
  decision.put_customer = std::move(customer);
  return decision;
}

absl::StatusOr<Decision> Decide(const Program& program, const ConversionEvent& event,
                                AttributionView& view, IdSource& ids) {
  switch (event.effect) {
    case EventEffect::kConversion:
      return event.status == PaymentStatus::kApproved
                 ? AttributeSale(program, event, view, ids)
                 : engine_internal::AttributeRefund(program, event, view, ids);
    case EventEffect::kLinkIdentities:
      return LinkIdentities(event, view, ids);
    case EventEffect::kLinkPayment:
      return engine_internal::LinkPayment(program, event, view, ids);
    case EventEffect::kSetOwner:
      return SetOwner(program, event, view, ids);
    case EventEffect::kNone:
      break;
  }
  Decision ignored;
  ignored.result = Result::kIgnored;
  return ignored;
}

}  // namespace

std::string DefaultRefundId(absl::string_view order_id, int64_t amount_minor) {
  return absl::StrCat(order_id, "+", amount_minor);
}

absl::StatusOr<Decision> Attribute(const Program& program, const ConversionEvent& event,
                                   AttributionView& view, IdSource& ids) {
  if (!event.source_event_id.empty()) {
    CLICKTRACK_ASSIGN_OR_RETURN(const bool seen, view.SeenSourceEvent(event.source_event_id));
    if (seen) {
      Decision duplicate;
      duplicate.result = Result::kDuplicate;
      return duplicate;
    }
  }
  CLICKTRACK_ASSIGN_OR_RETURN(Decision decision, Decide(program, event, view, ids));
  decision.put_source_event = event.source_event_id;
  return decision;
}

}  // namespace clicktrack::attribution
