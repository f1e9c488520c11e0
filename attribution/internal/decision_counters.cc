#include "attribution/internal/decision_counters.h"

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"

#include "attribution/base/status_macros.h"
#include "attribution/money.h"

namespace clicktrack::attribution::engine_internal {
namespace {

// The all-time total a money counter adds to; nullptr for counts (of clicks, sales, …), which
// grow by one per event and cannot reach int64's limit.
int64_t* TotalOf(PartnerTotals& totals, StatsCounter counter) {
  switch (counter) {
    case StatsCounter::kRevenue:
      return &totals.revenue_minor;
    case StatsCounter::kRefunded:
      return &totals.refunded_minor;
    case StatsCounter::kCommissionLead:
    case StatsCounter::kCommissionFirstSale:
    case StatsCounter::kCommissionRepeatSale:
    case StatsCounter::kCommissionUpsell:
    case StatsCounter::kBonus:
      return &totals.commission_minor;
    default:
      return nullptr;
  }
}

}  // namespace

StatsCounter CountCounter(ConversionKind kind) {
  switch (kind) {
    case ConversionKind::kLead:
      return StatsCounter::kLeads;
    case ConversionKind::kFirstSale:
      return StatsCounter::kFirstSales;
    case ConversionKind::kRepeatSale:
      return StatsCounter::kRepeatSales;
    case ConversionKind::kUpsell:
      return StatsCounter::kUpsells;
  }
  return StatsCounter::kFirstSales;
}

StatsCounter CommissionCounter(ConversionKind kind) {
  switch (kind) {
    case ConversionKind::kLead:
      return StatsCounter::kCommissionLead;
    case ConversionKind::kFirstSale:
      return StatsCounter::kCommissionFirstSale;
    case ConversionKind::kRepeatSale:
      return StatsCounter::kCommissionRepeatSale;
    case ConversionKind::kUpsell:
      return StatsCounter::kCommissionUpsell;
  }
  return StatsCounter::kCommissionFirstSale;
}

void AddCounter(Decision& decision, absl::string_view partner, absl::Time time,
                StatsCounter counter, int64_t delta) {
  if (delta != 0) {
    decision.counters.push_back(CounterDelta{.partner_id = std::string(partner),
                                             .day = absl::ToCivilDay(time, absl::UTCTimeZone()),
                                             .counter = counter,
                                             .delta = delta});
  }
}

void AddAcquiredCounter(Decision& decision, absl::string_view partner, absl::Time acquired_at,
                        absl::Time time, StatsCounter counter, int64_t delta) {
  if (delta == 0) {
    return;
  }
  AddCounter(decision, partner, acquired_at, counter, delta);
  const absl::TimeZone utc = absl::UTCTimeZone();
  decision.cohort_counters.push_back(
      CohortDelta{.partner_id = std::string(partner),
                  .cohort = absl::CivilMonth(absl::ToCivilDay(acquired_at, utc)),
                  .month = absl::CivilMonth(absl::ToCivilDay(time, utc)),
                  .counter = counter,
                  .delta = delta});
}

void CountOwnerSale(Decision& decision, CustomerState& customer, absl::Time time, int64_t amount) {
  const std::string& owner = customer.owner_partner_id;
  const absl::Time acquired = customer.owned_since;
  ++customer.owner_sales;
  if (customer.owner_sales == 1) {
    AddAcquiredCounter(decision, owner, acquired, time, StatsCounter::kCustomersWithSale, 1);
  } else if (customer.owner_sales == 2) {
    AddAcquiredCounter(decision, owner, acquired, time, StatsCounter::kRepeatCustomers, 1);
  }
  AddAcquiredCounter(decision, owner, acquired, time, StatsCounter::kAcquiredSales, 1);
  AddAcquiredCounter(decision, owner, acquired, time, StatsCounter::kAcquiredNetRevenue, amount);
}

absl::Status TotalTooLarge(const Program& program, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("amount: would take ", what, " past ",
                   FormatAmount(std::numeric_limits<int64_t>::max(), program.currency), " ",
                   program.currency.Code(), ", the largest total clicktrack keeps"));
}

absl::Status AccountTotals(const Program& program, AttributionView& view, Decision& decision) {
  for (const CounterDelta& delta : decision.counters) {
    auto found =
        std::find_if(decision.put_partner_totals.begin(), decision.put_partner_totals.end(),
                     [&](const auto& entry) { return entry.first == delta.partner_id; });
    if (found == decision.put_partner_totals.end()) {
      CLICKTRACK_ASSIGN_OR_RETURN(PartnerTotals totals, view.FindPartnerTotals(delta.partner_id));
      decision.put_partner_totals.emplace_back(delta.partner_id, totals);
      found = std::prev(decision.put_partner_totals.end());
    }
    int64_t* total = TotalOf(found->second, delta.counter);
    if (total != nullptr && __builtin_add_overflow(*total, std::abs(delta.delta), total)) {
      return TotalTooLarge(program, delta.partner_id.empty()
                                        ? std::string("the unattributed conversions' totals")
                                        : absl::StrCat("partner ", delta.partner_id, "'s totals"));
    }
  }
  return absl::OkStatus();
}

void NoteFirstConversion(Decision& decision, absl::string_view partner, absl::Time time) {
  for (auto& [partner_id, totals] : decision.put_partner_totals) {
    if (!partner.empty() && partner_id == partner &&
        (!totals.first_conversion_at.has_value() || time < *totals.first_conversion_at)) {
      totals.first_conversion_at = time;
    }
  }
}

}  // namespace clicktrack::attribution::engine_internal
