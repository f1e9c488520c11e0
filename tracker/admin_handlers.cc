// The admin API's handlers (SPEC §4.1, §6): members of Router, split from router.cc.

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "boost/json/array.hpp"

#include "attribution/base/status_macros.h"
#include "attribution/money.h"
#include "attribution/stats_counter.h"
#include "tracker/codec/admin_json.h"
#include "tracker/codec/url_validation.h"
#include "tracker/common/query_string.h"
#include "tracker/router.h"
#include "tracker/status_mapping.h"

namespace clicktrack::tracker {
namespace {

// Report ranges longer than this are refused: ten years of days is already a slow answer.
constexpr int kMaxReportDays = 3660;
constexpr int kDefaultReportDays = 30;
// Attempts at a fresh random code before giving up (a collision at 62^8 is a freak event).
constexpr int kLinkCodeAttempts = 5;

absl::StatusOr<absl::CivilDay> ParseDay(absl::string_view field, absl::string_view text) {
  absl::CivilDay day;
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": must be a date YYYY-MM-DD"));
  }
  return day;
}

// The report range of `from`/`to` (UTC days, both inclusive; default: the last 30 days).
absl::StatusOr<std::pair<absl::CivilDay, absl::CivilDay>> ReportRange(absl::string_view query,
                                                                      absl::Time now) {
  const absl::CivilDay today = absl::ToCivilDay(now, absl::UTCTimeZone());
  absl::CivilDay to = today;
  if (std::optional<std::string> text = QueryParam(query, "to")) {
    CLICKTRACK_ASSIGN_OR_RETURN(to, ParseDay("to", *text));
  }
  absl::CivilDay from = to - (kDefaultReportDays - 1);
  if (std::optional<std::string> text = QueryParam(query, "from")) {
    CLICKTRACK_ASSIGN_OR_RETURN(from, ParseDay("from", *text));
  }
  if (from > to) {
    return absl::InvalidArgumentError("from: must not be after to");
  }
  if (to - from >= kMaxReportDays) {
    return absl::InvalidArgumentError(
        absl::StrCat("from/to: a range may span at most ", kMaxReportDays, " days"));
  }
  return std::make_pair(from, to);
}

std::string DayText(absl::CivilDay day) { return absl::FormatCivilTime(day); }

boost::json::object EncodeStats(const attribution::Program& program, absl::string_view partner_id,
                                absl::CivilDay from, absl::CivilDay to,
                                const storage::StatsTotals& stats) {
  using attribution::StatsCounter;
  const auto money = [&](int64_t minor) {
    return attribution::FormatAmount(minor, program.currency);
  };
  const int64_t commission =
      stats.Get(StatsCounter::kCommissionLead) + stats.Get(StatsCounter::kCommissionFirstSale) +
      stats.Get(StatsCounter::kCommissionRepeatSale) + stats.Get(StatsCounter::kCommissionUpsell) +
      stats.Get(StatsCounter::kBonus);
  return boost::json::object{
      {"program_id", program.id},
      {"partner_id", std::string(partner_id)},
      {"from", DayText(from)},
      {"to", DayText(to)},
      {"currency", std::string(program.currency.Code())},
      {"clicks", stats.Get(StatsCounter::kClicks)},
      {"unique_clicks", stats.Get(StatsCounter::kUniqueClicks)},
      {"customers_acquired", stats.Get(StatsCounter::kCustomersAcquired)},
      {"conversions", boost::json::object{{"lead", stats.Get(StatsCounter::kLeads)},
                                          {"first_sale", stats.Get(StatsCounter::kFirstSales)},
                                          {"repeat_sale", stats.Get(StatsCounter::kRepeatSales)},
                                          {"upsell", stats.Get(StatsCounter::kUpsells)}}},
      {"revenue", money(stats.Get(StatsCounter::kRevenue))},
      {"refunded", money(stats.Get(StatsCounter::kRefunded))},
      {"commission",
       boost::json::object{{"lead", money(stats.Get(StatsCounter::kCommissionLead))},
                           {"first_sale", money(stats.Get(StatsCounter::kCommissionFirstSale))},
                           {"repeat_sale", money(stats.Get(StatsCounter::kCommissionRepeatSale))},
                           {"upsell", money(stats.Get(StatsCounter::kCommissionUpsell))},
                           {"bonus", money(stats.Get(StatsCounter::kBonus))},
                           {"total", money(commission)}}},
  };
}

}  // namespace

HttpResponse Router::PutProgram(absl::string_view program_id, absl::string_view body) {
  absl::StatusOr<boost::json::object> object = ParseJsonObject(body);
  if (!object.ok()) {
    return ErrorResponse(object.status());
  }
  absl::StatusOr<attribution::Program> program = DecodeProgram(*object, program_id);
  if (!program.ok()) {
    return ErrorResponse(program.status());
  }
  const absl::Time now = clock_.Now();
  const absl::StatusOr<storage::ConfigStore::ProgramRef> existing =
      store_.config().GetProgram(program_id);
  program->created_at = existing.ok() ? (*existing)->created_at : now;
  program->updated_at = now;
  if (absl::Status status = store_.config().PutProgram(*program); !status.ok()) {
    return ErrorResponse(status);
  }
  return JsonResponse(200, EncodeProgram(*program));
}

HttpResponse Router::GetProgram(absl::string_view program_id) const {
  const absl::StatusOr<storage::ConfigStore::ProgramRef> program =
      store_.config().GetProgram(program_id);
  if (!program.ok()) {
    return ErrorResponse(program.status());
  }
  return JsonResponse(200, EncodeProgram(**program));
}

HttpResponse Router::PutPartner(const attribution::Program& program, absl::string_view partner_id,
                                absl::string_view body) {
  absl::StatusOr<boost::json::object> object = ParseJsonObject(body);
  if (!object.ok()) {
    return ErrorResponse(object.status());
  }
  absl::StatusOr<PartnerInput> input = DecodePartner(*object, program, partner_id);
  if (!input.ok()) {
    return ErrorResponse(input.status());
  }
  if (absl::Status status = ValidatePostbackUrl("postback_url", input->partner.postback_url);
      !status.ok()) {
    return ErrorResponse(status);
  }
  // A replace without joined_at keeps the original date: segments count from it.
  const absl::StatusOr<storage::ConfigStore::PartnerRef> existing =
      store_.config().GetPartner(program.id, partner_id);
  input->partner.joined_at = input->joined_at.has_value() ? *input->joined_at
                             : existing.ok()              ? (*existing)->joined_at
                                                          : clock_.Now();
  if (absl::Status status = store_.config().PutPartner(input->partner); !status.ok()) {
    return ErrorResponse(status);
  }
  return JsonResponse(200, EncodePartner(input->partner, program.currency));
}

HttpResponse Router::GetPartner(const attribution::Program& program,
                                absl::string_view partner_id) const {
  const absl::StatusOr<storage::ConfigStore::PartnerRef> partner =
      store_.config().GetPartner(program.id, partner_id);
  if (!partner.ok()) {
    return ErrorResponse(partner.status());
  }
  return JsonResponse(200, EncodePartner(**partner, program.currency));
}

HttpResponse Router::ListPartners(const attribution::Program& program) const {
  boost::json::array partners;
  for (const attribution::Partner& partner : store_.config().ListPartners(program.id)) {
    partners.emplace_back(EncodePartner(partner, program.currency));
  }
  return JsonResponse(200, {{"partners", std::move(partners)}});
}

HttpResponse Router::PartnerStats(const attribution::Program& program, absl::string_view partner_id,
                                  absl::string_view query) const {
  absl::StatusOr<std::pair<absl::CivilDay, absl::CivilDay>> range =
      ReportRange(query, clock_.Now());
  if (!range.ok()) {
    return ErrorResponse(range.status());
  }
  if (absl::Status found = store_.config().GetPartner(program.id, partner_id).status();
      !found.ok()) {
    return ErrorResponse(found);
  }
  absl::StatusOr<storage::StatsTotals> stats =
      store_.reports().ReadStats(program.id, partner_id, range->first, range->second);
  if (!stats.ok()) {
    return ErrorResponse(stats.status());
  }
  return JsonResponse(200, EncodeStats(program, partner_id, range->first, range->second, *stats));
}

HttpResponse Router::CreateLink(const attribution::Program& program, absl::string_view body) {
  absl::StatusOr<boost::json::object> object = ParseJsonObject(body);
  if (!object.ok()) {
    return ErrorResponse(object.status());
  }
  absl::StatusOr<LinkInput> input = DecodeLinkInput(*object);
  if (!input.ok()) {
    return ErrorResponse(input.status());
  }
  if (absl::Status status =
          ValidateDestination("destination", input->destination, program.allowed_hosts);
      !status.ok()) {
    return ErrorResponse(status);
  }
  attribution::Link link{.program_id = program.id,
                         .partner_id = input->partner_id,
                         .destination = input->destination,
                         .active = true,
                         .created_at = clock_.Now()};
  absl::Status status;
  for (int attempt = 0; attempt < kLinkCodeAttempts; ++attempt) {
    link.code = input->code.has_value() ? *input->code : ids_.NewLinkCode();
    status = store_.config().CreateLink(link);
    if (status.code() != absl::StatusCode::kAlreadyExists || input->code.has_value()) {
      break;
    }
  }
  if (!status.ok()) {
    return ErrorResponse(status);
  }
  return JsonResponse(201, EncodeLink(link, options_.public_url));
}

HttpResponse Router::GetLink(const attribution::Program& program, absl::string_view code) const {
  const absl::StatusOr<attribution::Link> link = store_.config().GetLink(program.id, code);
  if (!link.ok()) {
    return ErrorResponse(link.status());
  }
  return JsonResponse(200, EncodeLink(*link, options_.public_url));
}

HttpResponse Router::PatchLink(const attribution::Program& program, absl::string_view code,
                               absl::string_view body) {
  absl::StatusOr<boost::json::object> object = ParseJsonObject(body);
  if (!object.ok()) {
    return ErrorResponse(object.status());
  }
  absl::StatusOr<LinkPatch> patch = DecodeLinkPatch(*object);
  if (!patch.ok()) {
    return ErrorResponse(patch.status());
  }
  absl::StatusOr<attribution::Link> link = store_.config().GetLink(program.id, code);
  if (!link.ok()) {
    return ErrorResponse(link.status());
  }
  if (patch->destination.has_value()) {
    if (absl::Status status =
            ValidateDestination("destination", *patch->destination, program.allowed_hosts);
        !status.ok()) {
      return ErrorResponse(status);
    }
    link->destination = *patch->destination;
  }
  if (patch->active.has_value()) {
    link->active = *patch->active;
  }
  if (absl::Status status = store_.config().UpdateLink(*link); !status.ok()) {
    return ErrorResponse(status);
  }
  return JsonResponse(200, EncodeLink(*link, options_.public_url));
}

}  // namespace clicktrack::tracker
