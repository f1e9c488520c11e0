#pragma once

// The tracker's store: programs, partners and links (cached in memory), clicks and their
// daily counters. Storage owns its engine; no engine type appears in this interface.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

#include "attribution/click.h"
#include "attribution/ids.h"
#include "attribution/link.h"
#include "attribution/program.h"

namespace clicktrack::storage {

// A link as the redirect path sees it: the record and its precomputed Location template.
struct CachedLink {
  attribution::Link link;
  attribution::RedirectTemplate redirect;
};

// Click counters of one partner over a range of days.
struct ClickStats {
  int64_t clicks = 0;
  int64_t unique_clicks = 0;
};

// All methods are thread-safe. Errors: kNotFound for unknown records named in the message,
// kAlreadyExists for duplicate link codes, kUnavailable/kInternal when the engine fails.
class Store {
 public:
  virtual ~Store() = default;

  // Creates or replaces a program. Durable (synced) when it returns OK.
  virtual absl::Status PutProgram(const attribution::Program& program) = 0;
  virtual std::optional<attribution::Program> GetProgram(absl::string_view program_id) const = 0;

  // Creates or replaces a partner; kNotFound if its program does not exist. Durable.
  virtual absl::Status PutPartner(const attribution::Partner& partner) = 0;
  virtual std::optional<attribution::Partner> GetPartner(absl::string_view program_id,
                                                         absl::string_view partner_id) const = 0;
  // The program's partners, ordered by id.
  virtual std::vector<attribution::Partner> ListPartners(absl::string_view program_id) const = 0;

  // Creates a link; kAlreadyExists if the code is taken (in any program), kNotFound if its
  // program or partner does not exist. Durable.
  virtual absl::Status CreateLink(const attribution::Link& link) = 0;
  // Replaces an existing link (same code and program); kNotFound otherwise. Durable.
  virtual absl::Status UpdateLink(const attribution::Link& link) = 0;
  virtual std::optional<attribution::Link> GetLink(absl::string_view code) const = 0;

  // Hot path: calls `visit` with the link if `code` is known and active, under a read lock
  // (so `visit` must be short and must not call back into the store). Returns whether it
  // did. Does not allocate.
  virtual bool VisitActiveLink(absl::string_view code,
                               absl::FunctionRef<void(const CachedLink&)> visit) const = 0;

  // Stores a click with its customer index entry and its daily counters, atomically, with the
  // write-ahead log on but without waiting for fsync: a process crash loses nothing.
  // Decides `click.unique` first: a non-bot click is unique unless the same customer had a
  // unique click on the same link within attribution::kUniqueClickPeriod before it.
  virtual absl::Status RecordClick(attribution::Click& click) = 0;

  virtual absl::StatusOr<std::optional<attribution::Click>> GetClick(
      const attribution::Ulid& click_id) const = 0;

  // Sums the partner's daily click counters over [from, to], both inclusive. Reads counters,
  // never clicks: cost grows with the number of days, not of clicks.
  virtual absl::StatusOr<ClickStats> ReadClickStats(absl::string_view program_id,
                                                    absl::string_view partner_id,
                                                    absl::CivilDay from,
                                                    absl::CivilDay to) const = 0;

  // True while the store accepts writes (open, not stopped by the engine, last write OK).
  virtual bool IsWritable() const = 0;

  // Flushes the write-ahead log to disk (graceful shutdown).
  virtual absl::Status Flush() = 0;
};

struct StoreOptions {
  // Directory of the database; created if missing.
  std::string path;
  // Block cache for reads. Default: 64 MiB.
  size_t block_cache_bytes = 64 << 20;
};

// Opens (creating if needed) the RocksDB store at `options.path` and loads the config cache.
// kFailedPrecondition with a readable message if another process holds the directory;
// kUnavailable/kInternal on other engine errors.
absl::StatusOr<std::unique_ptr<Store>> OpenRocksDbStore(const StoreOptions& options);

}  // namespace clicktrack::storage
