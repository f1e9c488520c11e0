#include "attribution/testing/in_memory_view.h"

#include <algorithm>

namespace clicktrack::attribution {

void InMemoryView::AddClick(absl::string_view program_id, const Ulid& customer,
                            const ClickRef& click) {
  clicks_[click.id] =
      FoundClick{.program_id = std::string(program_id), .customer_id = customer, .click = click};
}

void InMemoryView::AddPartner(absl::string_view partner_id, CommissionRules overrides) {
  partners_[std::string(partner_id)] = std::move(overrides);
}

void InMemoryView::Apply(const Decision& decision) {
  for (const auto& [partner, totals] : decision.put_partner_totals) {
    totals_[partner] = totals;
  }
  if (decision.put_conversion.has_value()) {
    conversions_[decision.put_conversion->order_id] = *decision.put_conversion;
  }
  for (const Refund& refund : decision.put_refunds) {
    refunds_[refund.refund_id] = refund;
  }
  if (decision.put_customer.has_value()) {
    customers_[decision.put_customer->id] = *decision.put_customer;
    if (!decision.link_ref.empty()) {
      refs_[decision.link_ref] = decision.put_customer->id;
    }
    if (!decision.link_email.empty()) {
      emails_[decision.link_email] = decision.put_customer->id;
    }
  }
  for (const auto& [from, to] : decision.put_aliases) {
    aliases_[from] = to;
  }
  for (const auto& [ref, order_id] : decision.put_payment_links) {
    payment_links_[ref] = order_id;
  }
  for (const auto& [key, total] : decision.put_refund_totals) {
    refund_totals_[key] = total;
  }
  if (!decision.put_source_event.empty()) {
    source_events_.insert(decision.put_source_event);
  }
  ledger_.insert(ledger_.end(), decision.ledger.begin(), decision.ledger.end());
  for (const CounterDelta& delta : decision.counters) {
    counters_[{delta.partner_id, delta.counter}] += delta.delta;
  }
}

int64_t InMemoryView::Counter(absl::string_view partner_id, StatsCounter counter) const {
  const auto it = counters_.find({std::string(partner_id), counter});
  return it == counters_.end() ? 0 : it->second;
}

absl::StatusOr<std::optional<Conversion>> InMemoryView::FindConversion(absl::string_view order_id) {
  const auto it = conversions_.find(std::string(order_id));
  return it == conversions_.end() ? std::nullopt : std::optional<Conversion>(it->second);
}

absl::StatusOr<std::optional<Refund>> InMemoryView::FindRefund(absl::string_view refund_id) {
  const auto it = refunds_.find(refund_id);
  return it == refunds_.end() ? std::nullopt : std::optional<Refund>(it->second);
}

absl::StatusOr<std::vector<Refund>> InMemoryView::QueuedRefunds(absl::string_view order_id) {
  std::vector<Refund> queued;
  for (const auto& [id, refund] : refunds_) {
    const bool waits_here =
        refund.order_id == order_id ||
        std::find(refund.also_queued_under.begin(), refund.also_queued_under.end(), order_id) !=
            refund.also_queued_under.end();
    if (waits_here && !refund.applied) {
      queued.push_back(refund);
    }
  }
  std::sort(queued.begin(), queued.end(),
            [](const Refund& a, const Refund& b) { return a.id < b.id; });
  return queued;
}

absl::StatusOr<std::optional<AttributionView::FoundClick>> InMemoryView::FindClick(
    const Ulid& click_id) {
  const auto it = clicks_.find(click_id);
  return it == clicks_.end() ? std::nullopt : std::optional<FoundClick>(it->second);
}

absl::StatusOr<std::optional<CustomerState>> InMemoryView::FindCustomer(const Ulid& customer) {
  const auto it = customers_.find(customer);
  return it == customers_.end() ? std::nullopt : std::optional<CustomerState>(it->second);
}

absl::StatusOr<std::optional<Ulid>> InMemoryView::FindAlias(const Ulid& customer) {
  const auto it = aliases_.find(customer);
  return it == aliases_.end() ? std::nullopt : std::optional<Ulid>(it->second);
}

absl::StatusOr<std::optional<Ulid>> InMemoryView::FindByRef(absl::string_view customer_ref) {
  const auto it = refs_.find(customer_ref);
  return it == refs_.end() ? std::nullopt : std::optional<Ulid>(it->second);
}

absl::StatusOr<std::optional<Ulid>> InMemoryView::FindByEmail(absl::string_view email_sha256) {
  const auto it = emails_.find(email_sha256);
  return it == emails_.end() ? std::nullopt : std::optional<Ulid>(it->second);
}

absl::StatusOr<std::vector<ClickRef>> InMemoryView::ClicksOf(const Ulid& customer, absl::Time from,
                                                             absl::Time to) {
  std::vector<ClickRef> clicks;
  for (const auto& [id, found] : clicks_) {
    if (found.program_id == program_id_ && found.customer_id == customer &&
        found.click.time >= from && found.click.time <= to) {
      clicks.push_back(found.click);
    }
  }
  return clicks;
}

absl::StatusOr<PartnerTotals> InMemoryView::FindPartnerTotals(absl::string_view partner_id) {
  const auto it = totals_.find(partner_id);
  return it == totals_.end() ? PartnerTotals{} : it->second;
}

void InMemoryView::SetPartnerTotals(absl::string_view partner_id, PartnerTotals totals) {
  totals_[std::string(partner_id)] = totals;
}

std::optional<CommissionRules> InMemoryView::PartnerRules(absl::string_view partner_id) {
  const auto it = partners_.find(partner_id);
  return it == partners_.end() ? std::nullopt : std::optional<CommissionRules>(it->second);
}

absl::StatusOr<std::optional<std::string>> InMemoryView::FindPaymentLink(absl::string_view ref) {
  const auto it = payment_links_.find(ref);
  return it == payment_links_.end() ? std::nullopt : std::optional<std::string>(it->second);
}

absl::StatusOr<int64_t> InMemoryView::FindRefundTotal(absl::string_view key) {
  const auto it = refund_totals_.find(key);
  return it == refund_totals_.end() ? 0 : it->second;
}

absl::StatusOr<bool> InMemoryView::SeenSourceEvent(absl::string_view source_event_id) {
  return source_events_.contains(source_event_id);
}

}  // namespace clicktrack::attribution
