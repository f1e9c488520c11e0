#include "tracker/importer/import_run.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

#include "attribution/base/status_macros.h"
#include "tracker/codec/import_line.h"
#include "tracker/common/json_text.h"
#include "tracker/common/log.h"
#include "tracker/importer/import_apply.h"
#include "tracker/importer/line_reader.h"

namespace clicktrack::tracker {
namespace {

constexpr int64_t kProgressEvery = 100'000;

// A line that passed its checks: where it is, and when it happened.
struct IndexedLine {
  int64_t at_micros;
  uint64_t offset;
  uint32_t size;
  uint32_t number;
};
static_assert(sizeof(IndexedLine) == 24);

bool IsBlank(absl::string_view text) { return absl::StripAsciiWhitespace(text).empty(); }

// The checks a line needs the store for: its link, its partner, its conversion's fields.
absl::Status CheckWithStore(const ImportedRecord& record, const attribution::Program& program,
                            const ImportStores& stores, LinkPartners& links, absl::Time now) {
  if (const auto* click = std::get_if<ImportedClick>(&record)) {
    return links.PartnerOf(click->link).status();
  }
  if (const auto* owner = std::get_if<ImportedOwner>(&record)) {
    if (absl::IsNotFound(stores.config.GetPartner(program.id, owner->partner_id).status())) {
      return absl::InvalidArgumentError(
          absl::StrCat("partner_id: partner ", owner->partner_id, " not found"));
    }
    return absl::OkStatus();
  }
  return BuildConversionEvent(std::get<ImportedConversion>(record).fields, program,
                              ConversionSource::kPostback, now, std::nullopt)
      .status();
}

// Pass 1: every line read and checked; the good ones indexed, the bad ones rejected.
absl::StatusOr<std::vector<IndexedLine>> IndexLines(int fd, const attribution::Program& program,
                                                    const ImportStores& stores, LinkPartners& links,
                                                    Rejections& rejections, absl::Time now,
                                                    ImportReport& report) {
  std::vector<IndexedLine> index;
  LineReader reader(fd, kMaxImportLineSize);
  FileLine line;
  for (;;) {
    CLICKTRACK_ASSIGN_OR_RETURN(const bool more, reader.Next(line));
    if (!more) {
      return index;
    }
    if (line.too_long) {
      ++report.lines;
      rejections.Add(line.number,
                     absl::StrCat("the line is longer than ", kMaxImportLineSize, " bytes"));
      continue;
    }
    if (IsBlank(line.text)) {
      continue;
    }
    ++report.lines;
    absl::StatusOr<ImportedRecord> record = DecodeImportLine(line.text, program.id, now);
    absl::Status checked =
        record.ok() ? CheckWithStore(*record, program, stores, links, now) : record.status();
    if (!checked.ok()) {
      if (!absl::IsInvalidArgument(checked)) {
        return checked;
      }
      rejections.Add(line.number, std::string(checked.message()));
      continue;
    }
    index.push_back(IndexedLine{.at_micros = absl::ToUnixMicros(TimeOf(*record)),
                                .offset = line.offset,
                                .size = static_cast<uint32_t>(line.text.size()),
                                .number = static_cast<uint32_t>(line.number)});
  }
}

absl::Status Interrupted(int64_t applied, int64_t total) {
  return absl::UnavailableError(
      absl::StrCat("the server is stopping: the import stopped after ", applied, " of ", total,
                   " lines in time order; import the same file again to complete it"));
}

// Pass 2: the indexed lines applied in time order (ties in file order).
absl::Status ApplyLines(int fd, std::vector<IndexedLine>& index, ImportApplier& applier,
                        absl::string_view program_id, absl::Time now,
                        const std::atomic<bool>& stop) {
  std::stable_sort(index.begin(), index.end(), [](const IndexedLine& a, const IndexedLine& b) {
    return a.at_micros < b.at_micros;
  });
  int64_t applied = 0;
  for (const IndexedLine& line : index) {
    if (stop.load(std::memory_order_relaxed)) {
      CLICKTRACK_RETURN_IF_ERROR(applier.Finish());
      return Interrupted(applied, static_cast<int64_t>(index.size()));
    }
    CLICKTRACK_ASSIGN_OR_RETURN(const std::string text,
                                LineReader::ReadAt(fd, line.offset, line.size));
    absl::StatusOr<ImportedRecord> record = DecodeImportLine(text, program_id, now);
    if (!record.ok()) {
      return absl::InternalError("the import file changed while it was imported");
    }
    CLICKTRACK_RETURN_IF_ERROR(applier.Apply(line.number, text, *std::move(record)));
    if (++applied % kProgressEvery == 0) {
      Log(LogLevel::kInfo, "import progress",
          {{"program", JsonText(program_id)},
           {"applied", applied},
           {"of", static_cast<int64_t>(index.size())}});
    }
  }
  return applier.Finish();
}

}  // namespace

absl::StatusOr<ImportReport> RunImport(const ImportStores& stores, absl::string_view program_id,
                                       int fd, const std::atomic<bool>& stop) {
  CLICKTRACK_ASSIGN_OR_RETURN(const storage::ConfigStore::ProgramRef program,
                              stores.config.GetProgram(program_id));
  const absl::Time started = stores.clock.Now();
  Rejections rejections;
  LinkPartners links(stores.config, program->id);
  ImportReport report;
  CLICKTRACK_ASSIGN_OR_RETURN(std::vector<IndexedLine> index,
                              IndexLines(fd, *program, stores, links, rejections, started, report));
  Log(LogLevel::kInfo, "import checked",
      {{"program", JsonText(program->id)},
       {"lines", report.lines},
       {"to_apply", static_cast<int64_t>(index.size())}});
  {
    ImportApplier applier(stores, *program, links, rejections, started);
    CLICKTRACK_RETURN_IF_ERROR(ApplyLines(fd, index, applier, program->id, started, stop));
    report.accepted = applier.accepted();
  }
  rejections.MoveInto(report);
  Log(LogLevel::kInfo, "import finished",
      {{"program", JsonText(program->id)},
       {"lines", report.lines},
       {"accepted", report.accepted},
       {"rejected", report.rejected},
       {"seconds", absl::ToDoubleSeconds(stores.clock.Now() - started)}});
  return report;
}

}  // namespace clicktrack::tracker
