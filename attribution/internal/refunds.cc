#include "attribution/internal/refunds.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

#include "attribution/base/status_macros.h"
#include "attribution/customer_alias.h"
#include "attribution/internal/decision_counters.h"
#include "attribution/internal/payments.h"
#include "attribution/money.h"

namespace clicktrack::attribution::engine_internal {
namespace {

// round(commission × refunded / amount), halves away from zero; exact in 128 bits.
int64_t ProportionalReversal(int64_t commission, int64_t refunded, int64_t amount) {
  if (amount <= 0) {
    return commission;
  }
  const __int128 numerator = static_cast<__int128>(commission) * refunded;
  return static_cast<int64_t>((2 * numerator + amount) / (2 * static_cast<__int128>(amount)));
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
                                          .approve_at = conversion.approve_at,
                                          .rule = conversion.rule});
    AddCounter(decision, conversion.partner_id, now, CommissionCounter(conversion.kind), -delta);
    AddCounter(decision, conversion.partner_id, now, StatsCounter::kCommissionReversed, -delta);
  }
  if (conversion.is_sale()) {
    AddCounter(decision, conversion.partner_id, now, StatsCounter::kRefunded, amount);
    if (conversion.attributed() && conversion.acquired_at.has_value()) {
      AddAcquiredCounter(decision, conversion.partner_id, *conversion.acquired_at, now,
                         StatsCounter::kAcquiredNetRevenue, -amount);
    }
    if (customer != nullptr) {
      customer->ltv_minor -= amount;
    }
  }
}

// SPEC §5.9: a refund id names one refund of one order, for good. A repeat is a duplicate; the
// id on another order or amount is a conflict (409). The order may be named by any of the
// event's references, or be the one they found.
absl::Status CheckRepeatedRefundId(const ConversionEvent& event, const Refund& seen,
                                   const std::optional<Conversion>& conversion) {
  const bool same_order = seen.order_id == event.order_id ||
                          std::find(event.payment_refs.begin(), event.payment_refs.end(),
                                    seen.order_id) != event.payment_refs.end() ||
                          (conversion.has_value() && seen.order_id == conversion->order_id);
  if (!same_order) {
    return absl::AlreadyExistsError(
        absl::StrCat("refund_id ", event.refund_id, " was already used for another order"));
  }
  if (seen.amount_minor != event.amount_minor) {
    return absl::AlreadyExistsError(
        absl::StrCat("refund_id ", event.refund_id, " was already used with another amount"));
  }
  return absl::OkStatus();
}

// The decision for a refund id seen before: a duplicate, or a conflict (409).
absl::StatusOr<Decision> RepeatedRefund(const ConversionEvent& event, Refund seen,
                                        std::optional<Conversion> conversion) {
  CLICKTRACK_RETURN_IF_ERROR(CheckRepeatedRefundId(event, seen, conversion));
  Decision decision;
  decision.result = Result::kDuplicate;
  decision.refund = std::move(seen);
  decision.conversion = std::move(conversion);
  return decision;
}

absl::Status CheckNotOverRefunded(const Program& program, const ConversionEvent& event,
                                  const Conversion& conversion) {
  if (conversion.refunded_minor + event.amount_minor <= conversion.amount_minor) {
    return absl::OkStatus();
  }
  const auto money = [&](int64_t minor) {
    return absl::StrCat(FormatAmount(minor, program.currency), " ", program.currency.Code());
  };
  return absl::InvalidArgumentError(
      absl::StrCat("amount: refunds of order ", event.order_id, " would total ",
                   money(conversion.refunded_minor + event.amount_minor),
                   ", more than its amount of ", money(conversion.amount_minor)));
}

// A refund given as a running total (SPEC §4.5, charge.refunded): the event for the increase
// over the largest total seen under its key (amount 0 or less when there is none), whose
// refund id names the new total; records the new total in `decision`. nullopt for a plain
// refund.
absl::StatusOr<std::optional<ConversionEvent>> IncreaseOfRunningTotal(const ConversionEvent& event,
                                                                      AttributionView& view,
                                                                      Decision& decision) {
  if (event.refund_total_key.empty()) {
    return std::nullopt;
  }
  CLICKTRACK_ASSIGN_OR_RETURN(const int64_t before, view.FindRefundTotal(event.refund_total_key));
  ConversionEvent increase = event;
  increase.amount_minor = event.amount_minor - before;
  increase.refund_id = DefaultRefundId(event.refund_total_key, event.amount_minor);
  if (increase.amount_minor > 0) {
    decision.put_refund_totals.emplace_back(event.refund_total_key, event.amount_minor);
  }
  return increase;
}

// The refunds waiting for the order or for one of its references, each once, oldest first.
absl::StatusOr<std::vector<Refund>> QueuedUnderAny(const Conversion& conversion,
                                                   absl::Span<const std::string> refs,
                                                   AttributionView& view) {
  CLICKTRACK_ASSIGN_OR_RETURN(std::vector<Refund> queued, view.QueuedRefunds(conversion.order_id));
  for (const std::string& ref : refs) {
    CLICKTRACK_ASSIGN_OR_RETURN(std::vector<Refund> more, view.QueuedRefunds(ref));
    for (Refund& refund : more) {
      const bool listed = std::any_of(queued.begin(), queued.end(), [&](const Refund& r) {
        return r.refund_id == refund.refund_id;
      });
      if (!listed) {
        queued.push_back(std::move(refund));
      }
    }
  }
  std::sort(queued.begin(), queued.end(),
            [](const Refund& a, const Refund& b) { return a.id < b.id; });
  return queued;
}

}  // namespace

absl::StatusOr<Decision> AttributeRefund(const Program& program, const ConversionEvent& received,
                                         AttributionView& view, IdSource& ids) {
  if (received.amount_minor <= 0) {
    return absl::InvalidArgumentError("amount: a refund must be greater than 0");
  }
  Decision decision;
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<ConversionEvent> increase,
                              IncreaseOfRunningTotal(received, view, decision));
  const ConversionEvent& event = increase.has_value() ? *increase : received;
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<Refund> seen, view.FindRefund(event.refund_id));
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<Conversion> conversion,
                              FindOrderByRefs(event.order_id, event.payment_refs, view));
  if (event.amount_minor <= 0) {
    decision.result = Result::kDuplicate;  // a total already counted, redelivered or late
    decision.conversion = std::move(conversion);
    return decision;
  }
  if (seen.has_value()) {
    return RepeatedRefund(event, *std::move(seen), std::move(conversion));
  }
  Refund refund{.id = ids.NewId(event.occurred_at),
                .refund_id = event.refund_id,
                .order_id = event.order_id,
                .amount_minor = event.amount_minor,
                .occurred_at = event.occurred_at};
  if (!conversion.has_value()) {
    // Payment systems promise no order: keep it for when the order (or a link) arrives.
    refund.also_queued_under = event.payment_refs;
    decision.result = Result::kQueued;
    decision.refund = refund;
    decision.put_refunds.push_back(std::move(refund));
    return decision;
  }
  refund.order_id = conversion->order_id;
  CLICKTRACK_RETURN_IF_ERROR(CheckNotOverRefunded(program, event, *conversion));
  const auto find_alias = [&](const Ulid& id) { return view.FindAlias(id); };
  CLICKTRACK_ASSIGN_OR_RETURN(const Ulid owner_id,
                              SurvivingCustomer(conversion->customer_id, find_alias));
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

absl::Status ApplyQueuedRefunds(AttributionView& view, IdSource& ids,
                                absl::Span<const std::string> refs, absl::Time now,
                                Conversion& conversion, CustomerState& customer,
                                Decision& decision) {
  CLICKTRACK_ASSIGN_OR_RETURN(std::vector<Refund> queued, QueuedUnderAny(conversion, refs, view));
  for (Refund& refund : queued) {
    const int64_t left = conversion.amount_minor - conversion.refunded_minor;
    const int64_t amount = std::min(refund.amount_minor, left);
    if (amount < refund.amount_minor) {
      decision.notes.push_back(absl::StrCat(
          "queued refund ", refund.refund_id, " of order ", conversion.order_id,
          " capped at the order amount: ", refund.amount_minor - amount, " minor units dropped"));
    }
    ApplyRefund(conversion, refund, amount, &customer, now, ids, decision);
    decision.put_refunds.push_back(std::move(refund));
  }
  return absl::OkStatus();
}

}  // namespace clicktrack::attribution::engine_internal
