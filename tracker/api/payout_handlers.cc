// Balances and payouts (SPEC §6). A payout is an order to the committer, carried out in turn
// with the conversions; the answer comes once it is durable.

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "boost/json/array.hpp"

#include "attribution/base/status_macros.h"
#include "attribution/money.h"
#include "attribution/payout.h"
#include "tracker/api/handlers.h"
#include "tracker/api/paging.h"
#include "tracker/api/responses.h"
#include "tracker/codec/invalid.h"
#include "tracker/codec/json_fields.h"
#include "tracker/codec/json_parse.h"
#include "tracker/common/json_text.h"
#include "tracker/common/query_string.h"

namespace clicktrack::tracker {
namespace {

constexpr size_t kMaxNoteSize = 500;
constexpr size_t kMaxIdempotencyKeySize = 255;

boost::json::object EncodePayout(const attribution::Payout& payout,
                                 const attribution::Program& program) {
  return boost::json::object{
      {"payout_id", payout.id.ToString()},
      {"partner_id", payout.partner_id},
      {"amount", attribution::FormatAmount(payout.amount_minor, program.currency)},
      {"currency", std::string(program.currency.Code())},
      {"entries", payout.entries},
      {"note", payout.note},
      {"created_at", FormatTimestamp(payout.created_at)},
  };
}

absl::StatusOr<boost::json::object> BalanceOf(const ApiContext& api,
                                              const attribution::Program& program,
                                              absl::string_view partner_id, absl::Time now) {
  CLICKTRACK_ASSIGN_OR_RETURN(const std::vector<attribution::UnpaidEntry> unpaid,
                              api.reports.ListUnpaid(program.id, partner_id));
  CLICKTRACK_ASSIGN_OR_RETURN(const int64_t paid,
                              api.reports.ReadPaidTotal(program.id, partner_id));
  const attribution::Balance balance = attribution::BalanceOf(unpaid, now);
  const auto money = [&](int64_t minor) {
    return attribution::FormatAmount(minor, program.currency);
  };
  return boost::json::object{
      {"partner_id", std::string(partner_id)}, {"pending", money(balance.pending)},
      {"approved", money(balance.approved)},   {"paid", money(paid)},
      {"balance", money(balance.balance)},     {"currency", std::string(program.currency.Code())},
  };
}

// Whether the partner has any ledger entry.
absl::StatusOr<bool> HasLedger(const ApiContext& api, absl::string_view program_id,
                               absl::string_view partner_id) {
  CLICKTRACK_ASSIGN_OR_RETURN(const storage::LedgerPage page,
                              api.reports.ListLedger(program_id, partner_id, std::nullopt, 1));
  return !page.entries.empty() || !page.unreadable.empty();
}

// The partners an order names (checked, sorted, once each), or every partner of the program.
absl::StatusOr<std::vector<std::string>> OrderedPartners(const ApiContext& api,
                                                         const attribution::Program& program,
                                                         const Fields& fields) {
  std::vector<std::string> ids;
  CLICKTRACK_ASSIGN_OR_RETURN(const boost::json::array* named, fields.Array("partner_ids"));
  if (named == nullptr) {
    for (const attribution::Partner& partner : api.config.ListPartners(program.id)) {
      ids.push_back(partner.id);
    }
  } else {
    for (const boost::json::value& value : *named) {
      if (!value.is_string()) {
        return Invalid("partner_ids", "must be an array of partner ids (strings)");
      }
      const std::string id(value.get_string());
      CLICKTRACK_RETURN_IF_ERROR(attribution::ValidateIdentifier("partner_ids", id));
      CLICKTRACK_RETURN_IF_ERROR(api.config.GetPartner(program.id, id).status());
      ids.push_back(id);
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

absl::Status ValidateIdempotencyKey(absl::string_view key) {
  if (key.size() > kMaxIdempotencyKeySize ||
      !std::all_of(key.begin(), key.end(), [](char c) { return c > 0x20 && c < 0x7f; })) {
    return Invalid("Idempotency-Key", absl::StrCat("must be at most ", kMaxIdempotencyKeySize,
                                                   " printable ASCII characters without spaces"));
  }
  return absl::OkStatus();
}

// The order of a POST …/payouts: its body (every field optional) and Idempotency-Key.
absl::StatusOr<attribution::PayoutOrder> DecodeOrder(const ApiContext& api, const Call& call,
                                                     std::vector<std::string>& partner_ids) {
  const attribution::Program& program = *call.program;
  boost::json::object empty;
  absl::StatusOr<boost::json::object> body =
      call.request.body.empty() ? empty : ParseJsonObject(call.request.body);
  if (!body.ok()) {
    return body.status();
  }
  const Fields fields(*body, "");
  attribution::PayoutOrder order;
  CLICKTRACK_ASSIGN_OR_RETURN(const std::optional<int64_t> minimum,
                              fields.Amount("minimum", program.currency));
  if (minimum.has_value() && *minimum <= 0) {
    return Invalid("minimum", "must be more than 0");
  }
  order.minimum_minor = minimum.value_or(1);
  CLICKTRACK_ASSIGN_OR_RETURN(const std::optional<std::string> note, fields.String("note"));
  order.note = note.value_or("");
  if (order.note.size() > kMaxNoteSize) {
    return Invalid("note", absl::StrCat("must be at most ", kMaxNoteSize, " bytes"));
  }
  CLICKTRACK_ASSIGN_OR_RETURN(partner_ids, OrderedPartners(api, program, fields));
  CLICKTRACK_RETURN_IF_ERROR(ValidateIdempotencyKey(call.request.idempotency_key));
  order.idempotency_key = std::string(call.request.idempotency_key);
  order.fingerprint =
      absl::StrCat(fields.Find("partner_ids") == nullptr ? "*" : absl::StrJoin(partner_ids, ","),
                   "\n", order.minimum_minor, "\n", order.note);
  order.now = api.clock.Now();
  return order;
}

}  // namespace

Reply Balances(const ApiContext& api, const Call& call) {
  const attribution::Program& program = *call.program;
  const absl::Time now = api.clock.Now();
  boost::json::array balances;
  for (const attribution::Partner& partner : api.config.ListPartners(program.id)) {
    CLICKTRACK_ASSIGN_OR_RETURN(const bool has_ledger, HasLedger(api, program.id, partner.id));
    if (has_ledger) {
      CLICKTRACK_ASSIGN_OR_RETURN(boost::json::object balance,
                                  BalanceOf(api, program, partner.id, now));
      balances.push_back(std::move(balance));
    }
  }
  return JsonResponse(
      200, boost::json::object{{"as_of", FormatTimestamp(now)}, {"balances", std::move(balances)}});
}

Reply PartnerBalance(const ApiContext& api, const Call& call) {
  const absl::string_view partner_id = call.Param("partner");
  CLICKTRACK_RETURN_IF_ERROR(api.config.GetPartner(call.program->id, partner_id).status());
  CLICKTRACK_ASSIGN_OR_RETURN(boost::json::object balance,
                              BalanceOf(api, *call.program, partner_id, api.clock.Now()));
  return JsonResponse(200, balance);
}

DeferredReply CreatePayouts(const ApiContext& api, const Call& call) {
  std::vector<std::string> partner_ids;
  CLICKTRACK_ASSIGN_OR_RETURN(attribution::PayoutOrder order, DecodeOrder(api, call, partner_ids));
  api.committer.SubmitPayout(
      call.program->id, std::move(partner_ids), std::move(order),
      [later = call.defer(),
       program = call.program](absl::StatusOr<attribution::PayoutOutcome> outcome) mutable {
        if (!outcome.ok()) {
          std::move(later)(ErrorResponse(outcome.status()));
          return;
        }
        boost::json::array payouts;
        for (const attribution::Payout& payout : outcome->payouts) {
          payouts.push_back(EncodePayout(payout, *program));
        }
        HttpResponse response = JsonResponse(201, boost::json::object{{"payouts", payouts}});
        if (outcome->replayed) {
          response.headers.emplace_back("Idempotent-Replayed", "true");
        }
        std::move(later)(std::move(response));
      });
  return std::nullopt;
}

Reply ListPayouts(const ApiContext& api, const Call& call) {
  const attribution::Program& program = *call.program;
  CLICKTRACK_ASSIGN_OR_RETURN(const PageRequest paging, ParsePageRequest(call.query));
  const std::string partner_id = QueryParam(call.query, "partner_id").value_or("");
  if (!partner_id.empty()) {
    CLICKTRACK_RETURN_IF_ERROR(attribution::ValidateIdentifier("partner_id", partner_id));
    CLICKTRACK_RETURN_IF_ERROR(api.config.GetPartner(program.id, partner_id).status());
  }
  CLICKTRACK_ASSIGN_OR_RETURN(
      const storage::PayoutPage page,
      api.reports.ListPayouts(program.id, partner_id, paging.cursor, paging.limit));
  boost::json::array payouts;
  for (const attribution::Payout& payout : page.payouts) {
    payouts.push_back(EncodePayout(payout, program));
  }
  return JsonResponse(
      200,
      boost::json::object{{"payouts", std::move(payouts)},
                          {"next_cursor", page.next_cursor.has_value()
                                              ? boost::json::value(page.next_cursor->ToString())
                                              : boost::json::value(nullptr)}});
}

}  // namespace clicktrack::tracker
