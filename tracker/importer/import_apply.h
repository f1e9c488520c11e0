#pragma once

// The second half of an import: records applied in time order. Clicks go to the click log in
// batches (by their import ids, so a click imported before is skipped); identities, owners and
// conversions go through the committer, up to a window of them in flight, so that the engine
// decides each as it decides live events.

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"

#include "attribution/program.h"
#include "tracker/codec/import_line.h"
#include "tracker/importer/import_run.h"

namespace clicktrack::tracker {

// The id that names an imported click in its program: its own click_id, or else one made
// from its line (`line_text`), so that the same line imported again is the same click.
std::string ImportIdOf(const ImportedClick& click, absl::string_view line_text);

// Rejected lines of one import, from any thread.
class Rejections {
 public:
  void Add(int64_t line, std::string why);
  // The count, and the first kMaxListedRejections by line number, into `report`.
  void MoveInto(ImportReport& report);

 private:
  void Trim();  // under mu_

  std::mutex mu_;
  int64_t count_ = 0;
  std::vector<std::pair<int64_t, std::string>> listed_;
};

// A program's links by code: the partner each credits. Filled as lines name them.
class LinkPartners {
 public:
  LinkPartners(const storage::ConfigStore& config, std::string program_id)
      : config_(config), program_id_(std::move(program_id)) {}
  // The partner of the link, or kInvalidArgument "link: …" when the program has no such link.
  absl::StatusOr<std::string> PartnerOf(const std::string& code);

 private:
  const storage::ConfigStore& config_;
  const std::string program_id_;
  absl::flat_hash_map<std::string, std::string> partners_;
};

class ImportApplier {
 public:
  ImportApplier(const ImportStores& stores, const attribution::Program& program,
                LinkPartners& links, Rejections& rejections, absl::Time now);
  // Waits for what is in flight.
  ~ImportApplier();

  // Applies one record, decoded from line number `line` whose text is `text`. kInternal when the
  // store fails (the import stops); a rejected record is only added to the rejections.
  absl::Status Apply(int64_t line, absl::string_view text, ImportedRecord record);
  // Writes what is batched and waits until every record is decided.
  absl::Status Finish();

  int64_t accepted() const;

 private:
  struct PendingClick {
    int64_t line;
    attribution::Identities customer;
  };

  absl::Status AddClick(int64_t line, ImportedClick click);
  absl::Status FlushClicks();
  absl::Status ApplyConversion(int64_t line, ImportedConversion conversion);
  void Submit(int64_t line, attribution::ConversionEvent event);
  void WaitInFlight(size_t at_most);

  const ImportStores& stores_;
  const attribution::Program& program_;
  LinkPartners& links_;
  Rejections& rejections_;
  const absl::Time now_;
  std::vector<attribution::Click> clicks_;
  std::vector<std::string> import_ids_;
  std::vector<PendingClick> pending_;
  mutable std::mutex mu_;
  std::condition_variable decided_;
  size_t in_flight_ = 0;  // under mu_
  int64_t accepted_ = 0;  // under mu_
};

}  // namespace clicktrack::tracker
