// Reports over a partner's records (SPEC §6): stats, the commission ledger, customers.

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "boost/json/array.hpp"

#include "attribution/base/status_macros.h"
#include "attribution/commission.h"
#include "attribution/conversion.h"
#include "attribution/money.h"
#include "attribution/stats_counter.h"
#include "tracker/api/handlers.h"
#include "tracker/api/ledger_json.h"
#include "tracker/api/paging.h"
#include "tracker/api/report_json.h"
#include "tracker/api/report_range.h"
#include "tracker/api/responses.h"
#include "tracker/codec/conversion_request.h"
#include "tracker/common/json_text.h"
#include "tracker/common/log.h"
#include "tracker/common/query_string.h"

namespace clicktrack::tracker {
namespace {

boost::json::object EncodeCustomer(const attribution::Program& program,
                                   const attribution::CustomerState& customer) {
  boost::json::object out;
  out["customer_id"] = customer.id.ToString();
  out["program_id"] = program.id;
  if (customer.has_owner()) {
    const absl::Duration lifetime = program.attribution.lifetime;
    out["owner"] = boost::json::object{
        {"partner_id", customer.owner_partner_id},
        {"since", FormatTimestamp(customer.owned_since)},
        {"until", lifetime == absl::ZeroDuration()
                      ? boost::json::value(nullptr)
                      : boost::json::value(FormatTimestamp(customer.owned_since + lifetime))},
    };
  } else {
    out["owner"] = nullptr;
  }
  out["orders"] = customer.sales;
  out["leads"] = customer.leads;
  out["revenue"] = attribution::FormatAmount(customer.ltv_minor, program.currency);
  out["currency"] = std::string(program.currency.Code());
  out["loyalty_bonus_paid"] = customer.bonus_paid;
  boost::json::array merged;
  for (const attribution::Ulid& id : customer.merged) {
    merged.emplace_back(id.ToString());
  }
  out["merged_customer_ids"] = std::move(merged);
  return out;
}

}  // namespace

absl::StatusOr<HttpResponse> PartnerStats(const ApiContext& api, const Call& call) {
  const attribution::Program& program = *call.program;
  const absl::string_view partner_id = call.Param("partner");
  CLICKTRACK_ASSIGN_OR_RETURN(const DayRange range, ParseDayRange(call.query, api.clock.Now()));
  CLICKTRACK_RETURN_IF_ERROR(api.config.GetPartner(program.id, partner_id).status());
  CLICKTRACK_ASSIGN_OR_RETURN(const storage::StatsTotals stats,
                              api.reports.ReadStats(program.id, partner_id, range.from, range.to));
  boost::json::object out{{"program_id", program.id},
                          {"partner_id", std::string(partner_id)},
                          {"from", DayText(range.from)},
                          {"to", DayText(range.to)}};
  for (auto& [key, value] : EncodeFigures(program, stats)) {
    out[key] = std::move(value);
  }
  CLICKTRACK_ASSIGN_OR_RETURN(
      const int64_t pending,
      PendingCommission(api.reports, program, partner_id, range.from, range.to, api.clock.Now()));
  out["commission_by_status"] = EncodeCommissionByStatus(program, stats, pending);
  return JsonResponse(200, out);
}

absl::StatusOr<HttpResponse> Commissions(const ApiContext& api, const Call& call) {
  const attribution::Program& program = *call.program;
  const absl::string_view partner_id = call.Param("partner");
  const absl::string_view query = call.query;
  absl::StatusOr<PageRequest> paging = ParsePageRequest(query);
  if (!paging.ok()) {
    return paging.status();
  }
  if (absl::Status found = api.config.GetPartner(program.id, partner_id).status(); !found.ok()) {
    return found;
  }
  absl::StatusOr<storage::LedgerPage> page =
      api.reports.ListLedger(program.id, partner_id, paging->cursor, paging->limit);
  if (!page.ok()) {
    return page.status();
  }
  LogUnreadable(program.id, partner_id, page->unreadable);
  EntryStatuses statuses(api.reports, program.id, api.clock.Now());
  boost::json::array entries;
  for (const attribution::LedgerEntry& entry : page->entries) {
    CLICKTRACK_ASSIGN_OR_RETURN(const attribution::CommissionStatus status,
                                statuses.StatusOf(entry));
    entries.emplace_back(EncodeLedgerEntry(entry, status, program));
  }
  boost::json::object out{{"entries", std::move(entries)}};
  if (!page->unreadable.empty()) {
    out["unreadable_entries"] = page->unreadable.size();
  }
  out["next_cursor"] = page->next_cursor.has_value()
                           ? boost::json::value(page->next_cursor->ToString())
                           : boost::json::value(nullptr);
  return JsonResponse(200, out);
}

absl::StatusOr<HttpResponse> CustomerById(const ApiContext& api, const Call& call) {
  const attribution::Program& program = *call.program;
  const absl::string_view customer_id = call.Param("customer");
  const std::optional<attribution::Ulid> id = attribution::Ulid::FromText(customer_id);
  if (!id.has_value()) {
    return absl::InvalidArgumentError("customer_id: must be a 26-character customer id");
  }
  absl::StatusOr<attribution::CustomerState> customer = api.reports.GetCustomer(program.id, *id);
  if (absl::IsNotFound(customer.status())) {
    // As the client wrote the id, which may differ in case from the stored one.
    return absl::NotFoundError(absl::StrCat("customer ", customer_id, " not found"));
  }
  if (!customer.ok()) {
    return customer.status();
  }
  return JsonResponse(200, EncodeCustomer(program, *customer));
}

absl::StatusOr<HttpResponse> CustomerByRef(const ApiContext& api, const Call& call) {
  const attribution::Program& program = *call.program;
  const absl::string_view query = call.query;
  const std::optional<std::string> ref = QueryParam(query, "ref");
  if (!ref.has_value() || ref->empty()) {
    return absl::InvalidArgumentError("ref: is required (the merchant's customer reference)");
  }
  if (absl::Status status = ValidateText("ref", *ref, kMaxCustomerRefSize); !status.ok()) {
    return status;
  }
  absl::StatusOr<attribution::CustomerState> customer =
      api.reports.FindCustomerByRef(program.id, *ref);
  if (!customer.ok()) {
    return customer.status();
  }
  return JsonResponse(200, EncodeCustomer(program, *customer));
}

}  // namespace clicktrack::tracker
