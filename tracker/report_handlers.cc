// Read routes over attribution's records (SPEC §6): the commission ledger and customers.
// Members of Router.

#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "boost/json/array.hpp"

#include "attribution/commission.h"
#include "attribution/conversion.h"
#include "attribution/money.h"
#include "tracker/codec/admin_json.h"
#include "tracker/codec/conversion_request.h"
#include "tracker/common/log.h"
#include "tracker/common/query_string.h"
#include "tracker/router.h"
#include "tracker/status_mapping.h"

namespace clicktrack::tracker {
namespace {

constexpr size_t kDefaultPageSize = 50;
constexpr size_t kMaxPageSize = 500;

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

void LogUnreadable(absl::string_view program_id, absl::string_view partner_id,
                   const std::vector<attribution::Ulid>& entry_ids) {
  for (const attribution::Ulid& entry_id : entry_ids) {
    Log(LogLevel::kError, "unreadable ledger record left out",
        {{"program", JsonText(program_id)},
         {"partner", JsonText(partner_id)},
         {"entry_id", JsonText(entry_id.ToString())}});
  }
}

}  // namespace

HttpResponse Router::Commissions(const attribution::Program& program, absl::string_view partner_id,
                                 absl::string_view query) const {
  size_t limit = kDefaultPageSize;
  if (std::optional<std::string> text = QueryParam(query, "limit")) {
    if (!absl::SimpleAtoi(*text, &limit) || limit == 0) {
      return ErrorResponse(absl::InvalidArgumentError("limit: must be a whole number from 1"));
    }
    limit = std::min(limit, kMaxPageSize);
  }
  std::optional<attribution::Ulid> cursor;
  if (std::optional<std::string> text = QueryParam(query, "cursor")) {
    cursor = attribution::Ulid::FromText(*text);
    if (!cursor.has_value()) {
      return ErrorResponse(
          absl::InvalidArgumentError("cursor: must be a next_cursor of this route"));
    }
  }
  if (absl::Status found = store_.config().GetPartner(program.id, partner_id).status();
      !found.ok()) {
    return ErrorResponse(found);
  }
  absl::StatusOr<storage::LedgerPage> page =
      store_.reports().ListLedger(program.id, partner_id, cursor, limit);
  if (!page.ok()) {
    return ErrorResponse(page.status());
  }
  LogUnreadable(program.id, partner_id, page->unreadable);
  const absl::Time now = clock_.Now();
  // An accrual's status is its conversion's: one read per order on the page.
  std::map<std::string, std::optional<attribution::Conversion>> conversions;
  boost::json::array entries;
  for (const attribution::LedgerEntry& entry : page->entries) {
    const attribution::Conversion* conversion = nullptr;
    if (entry.type == attribution::LedgerType::kAccrual) {
      auto [it, inserted] = conversions.try_emplace(entry.order_id);
      if (inserted) {
        absl::StatusOr<attribution::Conversion> found =
            store_.reports().GetConversion(program.id, entry.order_id);
        if (found.ok()) {
          it->second = *std::move(found);
        } else if (!absl::IsNotFound(found.status())) {
          return ErrorResponse(found.status());
        }
      }
      conversion = it->second.has_value() ? &*it->second : nullptr;
    }
    const attribution::CommissionStatus status = attribution::EntryStatusAt(entry, conversion, now);
    entries.emplace_back(boost::json::object{
        {"entry_id", entry.id.ToString()},
        {"created_at", FormatTimestamp(entry.created_at)},
        {"partner_id", entry.partner_id},
        {"conversion_id", entry.conversion_id.ToString()},
        {"order_id", entry.order_id},
        {"kind", entry.kind.has_value()
                     ? boost::json::value(std::string(attribution::ConversionKindName(*entry.kind)))
                     : boost::json::value(nullptr)},
        {"type", std::string(attribution::LedgerTypeName(entry.type))},
        {"amount",
         entry.type == attribution::LedgerType::kBonus
             ? boost::json::value(nullptr)
             : boost::json::value(attribution::FormatAmount(entry.amount_minor, program.currency))},
        {"commission", attribution::FormatAmount(entry.commission_minor, program.currency)},
        {"currency", std::string(program.currency.Code())},
        {"commission_status", std::string(attribution::CommissionStatusName(status))},
        {"approve_at", FormatTimestamp(entry.approve_at)},
    });
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

HttpResponse Router::CustomerById(const attribution::Program& program,
                                  absl::string_view customer_id) const {
  const std::optional<attribution::Ulid> id = attribution::Ulid::FromText(customer_id);
  if (!id.has_value()) {
    return ErrorResponse(
        absl::InvalidArgumentError("customer_id: must be a 26-character customer id"));
  }
  absl::StatusOr<attribution::CustomerState> customer =
      store_.reports().GetCustomer(program.id, *id);
  if (absl::IsNotFound(customer.status())) {
    // As the client wrote the id, which may differ in case from the stored one.
    return ErrorResponse(absl::NotFoundError(absl::StrCat("customer ", customer_id, " not found")));
  }
  if (!customer.ok()) {
    return ErrorResponse(customer.status());
  }
  return JsonResponse(200, EncodeCustomer(program, *customer));
}

HttpResponse Router::CustomerByRef(const attribution::Program& program,
                                   absl::string_view query) const {
  const std::optional<std::string> ref = QueryParam(query, "ref");
  if (!ref.has_value() || ref->empty()) {
    return ErrorResponse(
        absl::InvalidArgumentError("ref: is required (the merchant's customer reference)"));
  }
  if (absl::Status status = ValidateText("ref", *ref, kMaxCustomerRefSize); !status.ok()) {
    return ErrorResponse(status);
  }
  absl::StatusOr<attribution::CustomerState> customer =
      store_.reports().FindCustomerByRef(program.id, *ref);
  if (!customer.ok()) {
    return ErrorResponse(customer.status());
  }
  return JsonResponse(200, EncodeCustomer(program, *customer));
}

}  // namespace clicktrack::tracker
