#include "attribution/internal/customers.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "attribution/base/status_macros.h"
#include "attribution/customer_alias.h"

namespace clicktrack::attribution::engine_internal {
namespace {

// The customer ids the event's identities name, as stored (before aliases are followed).
struct NamedCustomers {
  std::vector<Ulid> ids;
  std::optional<AttributionView::FoundClick> explicit_click;
  std::optional<Ulid> by_ref;
  std::optional<Ulid> by_email;
};

absl::StatusOr<NamedCustomers> FindNamedCustomers(const Identities& identities,
                                                  AttributionView& view) {
  NamedCustomers named;
  if (identities.click_id.has_value()) {
    CLICKTRACK_ASSIGN_OR_RETURN(named.explicit_click, view.FindClick(*identities.click_id));
    if (named.explicit_click.has_value()) {
      named.ids.push_back(named.explicit_click->customer_id);
    }
  }
  if (identities.cookie_customer.has_value()) {
    named.ids.push_back(*identities.cookie_customer);
  }
  if (!identities.customer_ref.empty()) {
    CLICKTRACK_ASSIGN_OR_RETURN(named.by_ref, view.FindByRef(identities.customer_ref));
    if (named.by_ref.has_value()) {
      named.ids.push_back(*named.by_ref);
    }
  }
  if (!identities.email_sha256.empty()) {
    CLICKTRACK_ASSIGN_OR_RETURN(named.by_email, view.FindByEmail(identities.email_sha256));
    if (named.by_email.has_value()) {
      named.ids.push_back(*named.by_email);
    }
  }
  return named;
}

// The surviving customers behind `ids`, each once, in the order first named.
absl::StatusOr<std::vector<CustomerState>> LoadCandidates(const std::vector<Ulid>& ids,
                                                          AttributionView& view) {
  const auto find_alias = [&](const Ulid& id) { return view.FindAlias(id); };
  std::vector<CustomerState> candidates;
  for (const Ulid& id : ids) {
    CLICKTRACK_ASSIGN_OR_RETURN(const Ulid survivor, SurvivingCustomer(id, find_alias));
    if (std::any_of(candidates.begin(), candidates.end(),
                    [&](const CustomerState& c) { return c.id == survivor; })) {
      continue;
    }
    CLICKTRACK_ASSIGN_OR_RETURN(std::optional<CustomerState> state, view.FindCustomer(survivor));
    candidates.push_back(state.has_value() ? *std::move(state) : CustomerState{.id = survivor});
  }
  return candidates;
}

// The one the others merge into: the one whose owner in this program is the earliest, else
// the oldest.
bool SurvivesBefore(const CustomerState& a, const CustomerState& b) {
  if (a.has_owner() != b.has_owner()) {
    return a.has_owner();
  }
  if (a.has_owner() && a.owned_since != b.owned_since) {
    return a.owned_since < b.owned_since;
  }
  return a.id < b.id;  // ULIDs sort by creation time
}

// Merges every candidate into the survivor; the aliases to write go into `decision`.
absl::StatusOr<CustomerState> Merge(const std::vector<CustomerState>& candidates,
                                    Decision& decision) {
  CustomerState customer = *std::min_element(candidates.begin(), candidates.end(), SurvivesBefore);
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
  return customer;
}

}  // namespace

absl::StatusOr<ResolvedCustomer> ResolveCustomer(const ConversionEvent& event,
                                                 AttributionView& view, IdSource& ids,
                                                 Decision& decision) {
  const Identities& identities = event.identities;
  CLICKTRACK_ASSIGN_OR_RETURN(NamedCustomers named, FindNamedCustomers(identities, view));
  CLICKTRACK_ASSIGN_OR_RETURN(const std::vector<CustomerState> candidates,
                              LoadCandidates(named.ids, view));
  ResolvedCustomer resolved{.explicit_click = std::move(named.explicit_click),
                            .minted = candidates.empty()};
  if (resolved.minted) {
    resolved.state.id = ids.NewId(event.occurred_at);
  } else {
    CLICKTRACK_ASSIGN_OR_RETURN(resolved.state, Merge(candidates, decision));
  }
  if (!identities.customer_ref.empty() && named.by_ref != resolved.state.id) {
    decision.link_ref = identities.customer_ref;
  }
  if (!identities.email_sha256.empty() && named.by_email != resolved.state.id) {
    decision.link_email = identities.email_sha256;
  }
  return resolved;
}

}  // namespace clicktrack::attribution::engine_internal
