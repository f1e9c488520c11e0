#include "tracker/api/ledger_json.h"

#include <algorithm>

#include "attribution/commission.h"
#include "attribution/money.h"
#include "tracker/common/json_text.h"
#include "tracker/common/log.h"

namespace clicktrack::tracker {
namespace {

boost::json::value EncodeRule(const std::optional<attribution::PricingRule>& pricing,
                              const attribution::Currency& currency) {
  if (!pricing.has_value()) {
    return nullptr;
  }
  const attribution::CommissionRule& rule = pricing->rule;
  return boost::json::object{
      {"percent", rule.percent.has_value()
                      ? boost::json::value(attribution::FormatPercent(*rule.percent))
                      : boost::json::value(nullptr)},
      {"fixed", rule.fixed_minor.has_value()
                    ? boost::json::value(attribution::FormatAmount(*rule.fixed_minor, currency))
                    : boost::json::value(nullptr)},
      {"from", pricing->from_partner ? "partner" : "program"},
  };
}

}  // namespace

absl::StatusOr<attribution::CommissionStatus> EntryStatuses::StatusOf(
    const attribution::LedgerEntry& entry) {
  const attribution::Conversion* conversion = nullptr;
  if (entry.type == attribution::LedgerType::kAccrual && !entry.payout_id.has_value()) {
    auto [it, inserted] = conversions_.try_emplace(entry.order_id);
    if (inserted) {
      absl::StatusOr<attribution::Conversion> found =
          reports_.GetConversion(program_id_, entry.order_id);
      if (found.ok()) {
        it->second = *std::move(found);
      } else if (!absl::IsNotFound(found.status())) {
        return found.status();
      }
    }
    conversion = it->second.has_value() ? &*it->second : nullptr;
  }
  return attribution::EntryStatusAt(entry, conversion, now_);
}

boost::json::object EncodeLedgerEntry(const attribution::LedgerEntry& entry,
                                      attribution::CommissionStatus status,
                                      const attribution::Program& program) {
  const bool bonus = entry.type == attribution::LedgerType::kBonus;
  return boost::json::object{
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
       bonus ? boost::json::value(nullptr)
             : boost::json::value(attribution::FormatAmount(entry.amount_minor, program.currency))},
      {"commission", attribution::FormatAmount(entry.commission_minor, program.currency)},
      {"currency", std::string(program.currency.Code())},
      {"commission_status", std::string(attribution::CommissionStatusName(status))},
      {"approve_at", FormatTimestamp(entry.approve_at)},
      {"payout_id", entry.payout_id.has_value() ? boost::json::value(entry.payout_id->ToString())
                                                : boost::json::value(nullptr)},
      {"rule", EncodeRule(entry.rule, program.currency)},
  };
}

absl::StatusOr<int64_t> PendingCommission(const storage::ReportReader& reports,
                                          const attribution::Program& program,
                                          absl::string_view partner_id, absl::CivilDay from,
                                          absl::CivilDay to, absl::Time now) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  const absl::Time first = std::max(absl::FromCivil(from, utc), now - program.commission.hold);
  const absl::Time end = absl::FromCivil(to + 1, utc);
  if (program.commission.hold <= absl::ZeroDuration() || first >= end) {
    return 0;
  }
  return reports.SumPendingCommission(program.id, partner_id, first, end, now);
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

}  // namespace clicktrack::tracker
