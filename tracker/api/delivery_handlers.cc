// Postbacks to partners (SPEC §4.7): a partner's deliveries, and a retry of a failed one.

#include <string>

#include "absl/strings/str_cat.h"
#include "boost/json/array.hpp"

#include "tracker/api/handlers.h"
#include "tracker/api/paging.h"
#include "tracker/api/responses.h"
#include "tracker/common/json_text.h"
#include "tracker/common/log.h"

namespace clicktrack::tracker {
namespace {

boost::json::object EncodeDelivery(const attribution::Delivery& delivery) {
  return {
      {"delivery_id", delivery.id.ToString()},
      {"event", JsonText(attribution::DeliveryEventName(delivery.event))},
      {"url", delivery.url},
      {"state", JsonText(attribution::DeliveryStateName(delivery.state))},
      {"attempts", delivery.attempts},
      {"last_status",
       delivery.last_status == 0 ? boost::json::value(nullptr) : delivery.last_status},
      {"last_error", delivery.last_error.empty() ? boost::json::value(nullptr)
                                                 : boost::json::value(delivery.last_error)},
      {"next_attempt_at", delivery.state == attribution::DeliveryState::kPending
                              ? boost::json::value(FormatTimestamp(delivery.next_attempt_at))
                              : boost::json::value(nullptr)},
      {"created_at", FormatTimestamp(delivery.created_at)},
  };
}

}  // namespace

Reply ListDeliveries(const ApiContext& api, const Call& call) {
  const absl::string_view partner_id = call.Param("partner");
  absl::StatusOr<PageRequest> paging = ParsePageRequest(call.query);
  if (!paging.ok()) {
    return paging.status();
  }
  if (absl::Status found = api.config.GetPartner(call.program->id, partner_id).status();
      !found.ok()) {
    return found;
  }
  absl::StatusOr<storage::DeliveryPage> page =
      api.outbox.ListDeliveries(call.program->id, partner_id, paging->cursor, paging->limit);
  if (!page.ok()) {
    return page.status();
  }
  boost::json::array deliveries;
  for (const attribution::Delivery& delivery : page->deliveries) {
    deliveries.push_back(EncodeDelivery(delivery));
  }
  return JsonResponse(
      200, {{"program_id", call.program->id},
            {"partner_id", JsonText(partner_id)},
            {"deliveries", std::move(deliveries)},
            {"next_cursor", page->next_cursor ? boost::json::value(page->next_cursor->ToString())
                                              : boost::json::value(nullptr)}});
}

Reply RetryDelivery(const ApiContext& api, const Call& call) {
  const std::optional<attribution::Ulid> id = attribution::Ulid::FromText(call.Param("delivery"));
  if (!id.has_value()) {
    return absl::NotFoundError(absl::StrCat("delivery ", call.Param("delivery"), " not found"));
  }
  absl::StatusOr<attribution::Delivery> delivery =
      api.outbox.RetryDelivery(call.program->id, call.Param("partner"), *id, api.clock.Now());
  if (!delivery.ok()) {
    return delivery.status();
  }
  return JsonResponse(200, EncodeDelivery(*delivery));
}

}  // namespace clicktrack::tracker
