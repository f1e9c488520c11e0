// GET …/ledger.csv (SPEC §6): every ledger entry of a program created in a range of days, as
// RFC 4180 CSV, partner by partner and oldest first. Streamed a page of entries at a time, so
// that an export of any size holds one page in memory.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"

#include "attribution/base/status_macros.h"
#include "tracker/api/handlers.h"
#include "tracker/api/ledger_json.h"
#include "tracker/api/report_range.h"
#include "tracker/common/json_text.h"
#include "tracker/common/log.h"

namespace clicktrack::tracker {
namespace {

constexpr size_t kPageSize = 500;
constexpr absl::string_view kColumns[] = {
    "entry_id", "created_at", "partner_id", "conversion_id", "order_id",          "kind",
    "type",     "amount",     "commission", "currency",      "commission_status", "payout_id"};

// One CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180); a text that
// a spreadsheet would run as a formula gets a leading apostrophe.
void AppendField(absl::string_view name, const boost::json::value& value, std::string& out) {
  if (!value.is_string()) {
    return;  // null: empty
  }
  const absl::string_view text(value.get_string().data(), value.get_string().size());
  const bool formula = name == "order_id" && !text.empty() &&
                       (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@');
  if (!formula && text.find_first_of(",\"\r\n") == absl::string_view::npos) {
    out.append(text.data(), text.size());
    return;
  }
  out.push_back('"');
  if (formula) {
    out.push_back('\'');
  }
  for (char c : text) {
    if (c == '"') {
      out.push_back('"');
    }
    out.push_back(c);
  }
  out.push_back('"');
}

// The export's progress, from one piece to the next.
class LedgerExport {
 public:
  LedgerExport(const ApiContext& api, std::shared_ptr<const attribution::Program> program,
               std::vector<std::string> partners, absl::Time from, absl::Time to)
      : api_(api),
        program_(std::move(program)),
        partners_(std::move(partners)),
        from_(from),
        to_(to),
        statuses_(api.reports, program_->id, api.clock.Now()) {}

  StreamStep Next(std::string& piece) {
    if (!header_written_) {
      header_written_ = true;
      for (absl::string_view column : kColumns) {
        absl::StrAppend(&piece, piece.empty() ? "" : ",", column);
      }
      piece.append("\r\n");
    }
    absl::Status status = AppendPage(piece);
    if (!status.ok()) {
      Log(LogLevel::kError, "ledger export cut short",
          {{"program", JsonText(program_->id)}, {"error", JsonText(status.ToString())}});
      return StreamStep::kFailed;
    }
    return next_partner_ < partners_.size() ? StreamStep::kMore : StreamStep::kDone;
  }

 private:
  absl::Status AppendPage(std::string& piece) {
    while (next_partner_ < partners_.size()) {
      const std::string& partner = partners_[next_partner_];
      CLICKTRACK_ASSIGN_OR_RETURN(
          const storage::LedgerPage page,
          api_.reports.ListLedgerBetween(program_->id, partner, from_, to_, after_, kPageSize));
      LogUnreadable(program_->id, partner, page.unreadable);
      statuses_.Clear();
      for (const attribution::LedgerEntry& entry : page.entries) {
        CLICKTRACK_ASSIGN_OR_RETURN(const attribution::CommissionStatus status,
                                    statuses_.StatusOf(entry));
        AppendRow(EncodeLedgerEntry(entry, status, *program_), piece);
      }
      after_ = page.next_cursor;
      if (!after_.has_value()) {
        ++next_partner_;
      }
      if (!page.entries.empty()) {
        return absl::OkStatus();  // one page per piece
      }
    }
    return absl::OkStatus();
  }

  static void AppendRow(const boost::json::object& entry, std::string& out) {
    bool first = true;
    for (absl::string_view column : kColumns) {
      if (!first) {
        out.push_back(',');
      }
      first = false;
      AppendField(column, entry.at(std::string(column)), out);
    }
    out.append("\r\n");
  }

  const ApiContext& api_;
  const std::shared_ptr<const attribution::Program> program_;
  const std::vector<std::string> partners_;
  const absl::Time from_;
  const absl::Time to_;
  EntryStatuses statuses_;
  bool header_written_ = false;
  size_t next_partner_ = 0;
  std::optional<attribution::Ulid> after_;
};

}  // namespace

Reply LedgerCsv(const ApiContext& api, const Call& call) {
  CLICKTRACK_ASSIGN_OR_RETURN(const DayRange range, ParseDayRange(call.query, api.clock.Now()));
  std::vector<std::string> partners;
  for (const attribution::Partner& partner : api.config.ListPartners(call.program->id)) {
    partners.push_back(partner.id);
  }
  const absl::TimeZone utc = absl::UTCTimeZone();
  auto export_state = std::make_shared<LedgerExport>(api, call.program, std::move(partners),
                                                     absl::FromCivil(range.from, utc),
                                                     absl::FromCivil(range.to + 1, utc));
  HttpResponse response;
  response.content_type = "text/csv; charset=utf-8";
  response.headers.emplace_back(
      "Content-Disposition", absl::StrCat("attachment; filename=\"ledger-", call.program->id, "-",
                                          DayText(range.from), "-", DayText(range.to), ".csv\""));
  response.stream = [export_state](std::string& piece) { return export_state->Next(piece); };
  return response;
}

}  // namespace clicktrack::tracker
