#include "attribution/internal/payments.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "attribution/base/status_macros.h"
#include "attribution/customer_alias.h"
#include "attribution/internal/decision_counters.h"
#include "attribution/internal/refunds.h"

namespace clicktrack::attribution::engine_internal {
namespace {

// The order `name` names: an order id, or a reference linked to one.
absl::StatusOr<std::optional<Conversion>> FindOrderNamed(absl::string_view name,
                                                         AttributionView& view) {
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<Conversion> conversion, view.FindConversion(name));
  if (conversion.has_value()) {
    return conversion;
  }
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<std::string> linked, view.FindPaymentLink(name));
  if (!linked.has_value()) {
    return std::nullopt;
  }
  return view.FindConversion(*linked);
}

// The order is not known yet: refunds waiting under the references wait for it too.
absl::Status QueueForOrder(const ConversionEvent& event, AttributionView& view,
                           Decision& decision) {
  for (const std::string& ref : event.payment_refs) {
    CLICKTRACK_ASSIGN_OR_RETURN(std::vector<Refund> queued, view.QueuedRefunds(ref));
    for (Refund& refund : queued) {
      refund.also_queued_under.push_back(event.order_id);
      decision.put_refunds.push_back(std::move(refund));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::optional<Conversion>> FindOrderByRefs(absl::string_view order_id,
                                                          absl::Span<const std::string> refs,
                                                          AttributionView& view) {
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<Conversion> conversion, FindOrderNamed(order_id, view));
  for (size_t i = 0; !conversion.has_value() && i < refs.size(); ++i) {
    CLICKTRACK_ASSIGN_OR_RETURN(conversion, FindOrderNamed(refs[i], view));
  }
  return conversion;
}

absl::StatusOr<Decision> LinkPayment(const Program& program, const ConversionEvent& event,
                                     AttributionView& view, IdSource& ids) {
  Decision decision;
  decision.result = Result::kLinked;
  for (const std::string& ref : event.payment_refs) {
    decision.put_payment_links.emplace_back(ref, event.order_id);
  }
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<Conversion> conversion,
                              view.FindConversion(event.order_id));
  if (!conversion.has_value()) {
    CLICKTRACK_RETURN_IF_ERROR(QueueForOrder(event, view, decision));
    return decision;
  }
  const auto find_alias = [&](const Ulid& id) { return view.FindAlias(id); };
  CLICKTRACK_ASSIGN_OR_RETURN(const Ulid owner_id,
                              SurvivingCustomer(conversion->customer_id, find_alias));
  CLICKTRACK_ASSIGN_OR_RETURN(std::optional<CustomerState> customer, view.FindCustomer(owner_id));
  CustomerState state = customer.value_or(CustomerState{.id = owner_id});
  const size_t applied_before = decision.put_refunds.size();
  CLICKTRACK_RETURN_IF_ERROR(ApplyQueuedRefunds(view, ids, event.payment_refs, event.occurred_at,
                                                *conversion, state, decision));
  if (decision.put_refunds.size() > applied_before) {
    CLICKTRACK_RETURN_IF_ERROR(AccountTotals(program, view, decision));
    decision.put_conversion = conversion;
    decision.put_customer = std::move(state);
  }
  decision.conversion = std::move(conversion);
  return decision;
}

}  // namespace clicktrack::attribution::engine_internal
