#pragma once

// The tracker's store, by role: the config (programs, partners, links), the click log, the
// conversion committer, the report reader and maintenance. Storage owns its engine; no engine
// type appears in this interface.

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"

#include "attribution/click.h"
#include "attribution/delivery.h"
#include "attribution/engine.h"
#include "attribution/ids.h"
#include "attribution/link.h"
#include "attribution/payout.h"
#include "attribution/program.h"
#include "storage/replication.h"

namespace clicktrack::storage {

// A link as the redirect path sees it: the record and its precomputed Location template.
struct CachedLink {
  attribution::Link link;
  attribution::RedirectTemplate redirect;
};

// A partner's access token to its own reports (docs/dashboard.md). The token itself is shown
// once, when it is made; only its SHA-256 is kept.
struct PartnerToken {
  std::string id;  // "tok_…": names the token in lists and in its revocation
  std::string program_id;
  std::string partner_id;
  std::string label;  // the merchant's note: "Jane's laptop"
  absl::Time created_at = absl::UnixEpoch();
  std::optional<absl::Time> expires_at;  // none: until revoked
  std::array<unsigned char, 32> digest{};
};

// The daily counters of one partner summed over a range of days, by counter.
using StatsTotals = attribution::CounterTotals;

// One cell of a partner's cohort table: the customers acquired in month `cohort`, their
// counters in month `month` (attribution/stats_counter.h names those kept).
struct CohortCell {
  absl::CivilMonth cohort;
  absl::CivilMonth month;
  StatsTotals values;
};

// One page of a partner's ledger, newest first.
struct LedgerPage {
  std::vector<attribution::LedgerEntry> entries;
  // Pass as `before` for the next page; nullopt on the last page.
  std::optional<attribution::Ulid> next_cursor;
  // Entries on this page's stretch whose records could not be parsed (corruption): left out,
  // so that one bad record never hides the rest of a partner's ledger.
  std::vector<attribution::Ulid> unreadable;
};

// One page of a program's payouts, newest first.
struct PayoutPage {
  std::vector<attribution::Payout> payouts;
  std::optional<attribution::Ulid> next_cursor;  // as in LedgerPage
};

// Called once with the engine's decision, after the batch that holds its writes is synced to
// disk, or with the error: kNotFound (program), kInvalidArgument / kAlreadyExists (the event),
// kUnavailable (the write failed; nothing of it was stored). Runs on the committer thread:
// it must be quick (post the result elsewhere) and must not call SubmitConversion.
using ConversionCallback = absl::AnyInvocable<void(absl::StatusOr<attribution::Decision>) &&>;
// Called once with a payout order's outcome, after its batch is synced, like ConversionCallback;
// kAlreadyExists when its idempotency key was used for another order.
using PayoutCallback = absl::AnyInvocable<void(absl::StatusOr<attribution::PayoutOutcome>) &&>;

// How the committer has batched and decided so far (since the process started), for logs and
// /metrics. Histogram buckets are not cumulative; the last one is +Inf.
struct CommitterStats {
  static constexpr std::array<uint64_t, 11> kBatchBounds = {1,  2,   4,   8,   16,  32,
                                                            64, 128, 256, 512, 1024};
  static constexpr std::array<uint64_t, 12> kWriteBoundsMicros = {
      100, 250, 500, 1'000, 2'500, 5'000, 10'000, 25'000, 50'000, 100'000, 250'000, 1'000'000};
  // A conversion's kind, or none (a refund, a link, an ignored event).
  static constexpr size_t kKindSlots = 5;
  static constexpr size_t kResultSlots = 7;
  struct Commission {
    std::string currency;  // ISO 4217; "other" past the first few seen
    attribution::LedgerType type = attribution::LedgerType::kAccrual;
    uint64_t minor = 0;  // absolute: what reversals took back counts up too
  };

  uint64_t batches = 0;  // synced writes
  uint64_t events = 0;   // events decided (conversions and payouts)
  uint64_t queue_depth = 0;
  std::array<uint64_t, kBatchBounds.size() + 1> batch_events{};  // events per synced write
  uint64_t batch_events_sum = 0;
  std::array<uint64_t, kWriteBoundsMicros.size() + 1> write_micros{};  // each synced write
  uint64_t write_micros_sum = 0;
  // By attribution::Result, then ConversionKind (kind slot 4: none).
  std::array<std::array<uint64_t, kKindSlots>, kResultSlots> conversions{};
  std::vector<Commission> commission;
};

// Every role below is thread-safe, and says "not found" one way: a look-up of one record
// returns absl::StatusOr<T>, and kNotFound with a message that names the record ("program acme
// not found") when there is none. Other errors: kAlreadyExists for a taken link code,
// kDataLoss for a record that cannot be read, kUnavailable/kInternal when the engine fails.

// Programs, partners and links: few, read on every request, so served from memory; every write
// is durable (synced) when it returns OK.
class ConfigStore {
 public:
  virtual ~ConfigStore() = default;

  // Programs and partners are handed out as shared immutable snapshots: a replace installs a
  // new object, so readers (the committer decides with one per conversion) never copy one and
  // never see half an update.
  using ProgramRef = std::shared_ptr<const attribution::Program>;
  using PartnerRef = std::shared_ptr<const attribution::Partner>;

  // Creates or replaces a program. kFailedPrecondition if it would change the currency of a
  // program that has conversions: their amounts, the stats and the ledger are in the old one.
  virtual absl::Status PutProgram(const attribution::Program& program) = 0;
  // kNotFound: "program <id> not found".
  virtual absl::StatusOr<ProgramRef> GetProgram(absl::string_view program_id) const = 0;

  // Creates or replaces a partner; kNotFound if its program does not exist.
  virtual absl::Status PutPartner(const attribution::Partner& partner) = 0;
  // kNotFound: "partner <id> not found".
  virtual absl::StatusOr<PartnerRef> GetPartner(absl::string_view program_id,
                                                absl::string_view partner_id) const = 0;
  // The program's partners, ordered by id (none for an unknown program).
  virtual std::vector<attribution::Partner> ListPartners(absl::string_view program_id) const = 0;
  // Every program, ordered by id.
  virtual std::vector<ProgramRef> ListPrograms() const = 0;

  // Creates a link; kAlreadyExists if the code is taken (in any program), kNotFound if its
  // program or partner does not exist.
  virtual absl::Status CreateLink(const attribution::Link& link) = 0;
  // Replaces an existing link (same code and program); kNotFound otherwise.
  virtual absl::Status UpdateLink(const attribution::Link& link) = 0;
  // The link with `code` in `program_id`. kNotFound: "link <code> not found", also when the
  // code belongs to another program.
  virtual absl::StatusOr<attribution::Link> GetLink(absl::string_view program_id,
                                                    absl::string_view code) const = 0;
  // The partner's links, active or not, ordered by code.
  virtual std::vector<attribution::Link> ListLinks(absl::string_view program_id,
                                                   absl::string_view partner_id) const = 0;

  // Keeps a new partner token; kNotFound if its program or partner does not exist.
  virtual absl::Status CreatePartnerToken(const PartnerToken& token) = 0;
  // The partner's tokens, ordered by id.
  virtual std::vector<PartnerToken> ListPartnerTokens(absl::string_view program_id,
                                                      absl::string_view partner_id) const = 0;
  // Forgets a token at once. kNotFound: "token <id> not found" (also another partner's).
  virtual absl::Status RevokePartnerToken(absl::string_view program_id,
                                          absl::string_view partner_id,
                                          absl::string_view token_id) = 0;
  // The token whose SHA-256 is `digest`, if it is kept (expired or not).
  virtual std::optional<PartnerToken> FindPartnerToken(
      const std::array<unsigned char, 32>& digest) const = 0;

  // Hot path: calls `visit` with the link if `code` is known and active, under a read lock
  // (so `visit` must be short and must not call back into the store). Returns whether it
  // did. Does not allocate.
  virtual bool VisitActiveLink(absl::string_view code,
                               absl::FunctionRef<void(const CachedLink&)> visit) const = 0;
};

// The clicks of every program, and their daily counters.
class ClickLog {
 public:
  virtual ~ClickLog() = default;

  // Stores clicks with their customer index entries and their daily counters, all in one
  // atomic write with the write-ahead log on but without waiting for fsync: a process crash
  // loses nothing. Decides each `click.unique` first: a non-bot click is unique unless the same
  // customer had a unique click on the same link within attribution::kUniqueClickPeriod before
  // it (stored, or earlier in `clicks`). Many clicks per call cost far less than one call each.
  virtual absl::Status RecordClicks(absl::Span<attribution::Click> clicks) = 0;
  absl::Status RecordClick(attribution::Click& click) { return RecordClicks({&click, 1}); }

  // kNotFound: "click <id> not found".
  virtual absl::StatusOr<attribution::Click> GetClick(const attribution::Ulid& click_id) const = 0;

  // SPEC §6 import: clicks of one program from another platform, clicks[i] named there by
  // import_ids[i]. Stores each click whose import id the program has not seen, with its index
  // entry, its counters and its import id, in one write (WAL, no fsync); returns for each
  // whether it was stored (false: imported before, or named earlier in `clicks`). Each click
  // mints its customer (new_customer), so every click that is no bot is unique.
  virtual absl::StatusOr<std::vector<bool>> ImportClicks(
      absl::Span<attribution::Click> clicks, absl::Span<const std::string> import_ids) = 0;
  // The id of the click imported under `import_id` into the program, if any.
  virtual absl::StatusOr<std::optional<attribution::Ulid>> FindImportedClick(
      absl::string_view program_id, absl::string_view import_id) const = 0;
};

// DESIGN's seam for Kafka: the single writer of conversion state. With each commission
// movement credited to a partner with a postback_url, it writes a delivery to the Outbox.
class ConversionCommitter {
 public:
  virtual ~ConversionCommitter() = default;

  // Hands a conversion, lead or refund to the single committer, which decides it with the
  // attribution engine (reading through its pending batch, so events of one batch see each
  // other) and writes many events with one fsync. `done` runs after that fsync.
  virtual void SubmitConversion(std::string program_id, attribution::ConversionEvent event,
                                ConversionCallback done) = 0;
  // SPEC §6: a payout order, decided in turn with the conversions, so that a payout never
  // settles commission that a refund ahead of it reverses. `partner_ids`: those to consider
  // (existing, sorted).
  virtual void SubmitPayout(std::string program_id, std::vector<std::string> partner_ids,
                            attribution::PayoutOrder order, PayoutCallback done) = 0;
  virtual CommitterStats committer_stats() const = 0;
};

// What the reports read: counters, customers, conversions and the ledger.
class ReportReader {
 public:
  virtual ~ReportReader() = default;

  // Sums the partner's daily counters over [from, to], both inclusive. Reads counters, never
  // clicks or conversions: cost grows with the number of days, not of events.
  virtual absl::StatusOr<StatsTotals> ReadStats(absl::string_view program_id,
                                                absl::string_view partner_id, absl::CivilDay from,
                                                absl::CivilDay to) const = 0;
  // ReadStats for each of `ranges` (in their order), as one read of the days they span.
  // By default one ReadStats per range.
  struct DayInterval {
    absl::CivilDay first;
    absl::CivilDay last;
  };
  virtual absl::StatusOr<std::vector<StatsTotals>> ReadStatsRanges(
      absl::string_view program_id, absl::string_view partner_id,
      absl::Span<const DayInterval> ranges) const;

  // Adds the partner's daily counters of each day of [first, last] to days[day - first]
  // (days.size() == last - first + 1): a daily series in one read.
  virtual absl::Status AddDailyStats(absl::string_view program_id, absl::string_view partner_id,
                                     absl::CivilDay first, absl::Span<StatsTotals> days) const;

  // The partner's cohort cells of the customers acquired in [first, last], ordered by
  // (cohort, month); cells without counters are left out. Cost grows with the months asked.
  virtual absl::StatusOr<std::vector<CohortCell>> ReadCohorts(absl::string_view program_id,
                                                              absl::string_view partner_id,
                                                              absl::CivilMonth first,
                                                              absl::CivilMonth last) const = 0;
  // The partner's all-time totals (zeros for a partner never credited).
  virtual absl::StatusOr<attribution::PartnerTotals> ReadPartnerTotals(
      absl::string_view program_id, absl::string_view partner_id) const = 0;

  // A customer's state in a program, following merges (the survivor's state). kNotFound
  // ("customer <id> not found") if the program has never seen the customer.
  virtual absl::StatusOr<attribution::CustomerState> GetCustomer(
      absl::string_view program_id, const attribution::Ulid& customer) const = 0;
  // kNotFound: "no customer with ref <ref>".
  virtual absl::StatusOr<attribution::CustomerState> FindCustomerByRef(
      absl::string_view program_id, absl::string_view customer_ref) const = 0;
  // kNotFound: "order <id> not found".
  virtual absl::StatusOr<attribution::Conversion> GetConversion(
      absl::string_view program_id, absl::string_view order_id) const = 0;

  // Up to `limit` ledger entries of a partner created in [from, to), oldest first, after
  // `after` if given (next_cursor: the last one, when more may follow). An export's pages.
  virtual absl::StatusOr<LedgerPage> ListLedgerBetween(absl::string_view program_id,
                                                       absl::string_view partner_id,
                                                       absl::Time from, absl::Time to,
                                                       std::optional<attribution::Ulid> after,
                                                       size_t limit) const = 0;

  // The sum of the partner's unpaid accruals and bonuses created in [from, to) whose hold is
  // not over at `now`. Cost grows with the unpaid entries in the range.
  virtual absl::StatusOr<int64_t> SumPendingCommission(absl::string_view program_id,
                                                       absl::string_view partner_id,
                                                       absl::Time from, absl::Time to,
                                                       absl::Time now) const = 0;
  // The partner's unpaid ledger entries (attribution/payout.h), oldest first, and its total
  // paid so far.
  virtual absl::StatusOr<std::vector<attribution::UnpaidEntry>> ListUnpaid(
      absl::string_view program_id, absl::string_view partner_id) const = 0;
  virtual absl::StatusOr<int64_t> ReadPaidTotal(absl::string_view program_id,
                                                absl::string_view partner_id) const = 0;
  // Up to `limit` payouts of the program (of one partner when `partner_id` is not empty),
  // newest first, older than `before` if given.
  virtual absl::StatusOr<PayoutPage> ListPayouts(absl::string_view program_id,
                                                 absl::string_view partner_id,
                                                 std::optional<attribution::Ulid> before,
                                                 size_t limit) const = 0;

  // Up to `limit` ledger entries of a partner, newest first, older than `before` if given.
  virtual absl::StatusOr<LedgerPage> ListLedger(absl::string_view program_id,
                                                absl::string_view partner_id,
                                                std::optional<attribution::Ulid> before,
                                                size_t limit) const = 0;
};

inline absl::StatusOr<std::vector<StatsTotals>> ReportReader::ReadStatsRanges(
    absl::string_view program_id, absl::string_view partner_id,
    absl::Span<const DayInterval> ranges) const {
  std::vector<StatsTotals> totals;
  for (const DayInterval& range : ranges) {
    absl::StatusOr<StatsTotals> sum = ReadStats(program_id, partner_id, range.first, range.last);
    if (!sum.ok()) {
      return sum.status();
    }
    totals.push_back(*sum);
  }
  return totals;
}

inline absl::Status ReportReader::AddDailyStats(absl::string_view program_id,
                                                absl::string_view partner_id, absl::CivilDay first,
                                                absl::Span<StatsTotals> days) const {
  for (size_t i = 0; i < days.size(); ++i) {
    absl::StatusOr<StatsTotals> day = ReadStats(program_id, partner_id, first + i, first + i);
    if (!day.ok()) {
      return day.status();
    }
    days[i].Add(*day);
  }
  return absl::OkStatus();
}

// One page of a partner's postback deliveries, newest first.
struct DeliveryPage {
  std::vector<attribution::Delivery> deliveries;
  // Pass as `before` for the next page; nullopt on the last page.
  std::optional<attribution::Ulid> next_cursor;
};

// SPEC §4.7: the postbacks to partners that the committer wrote with their movements, for the
// worker that sends them and for the admin API.
class Outbox {
 public:
  virtual ~Outbox() = default;

  // Up to `limit` pending deliveries due at `now`, the most overdue first.
  virtual absl::StatusOr<std::vector<attribution::Delivery>> DueDeliveries(absl::Time now,
                                                                           size_t limit) = 0;
  // When the next pending delivery is due; nullopt when none is pending.
  virtual absl::StatusOr<std::optional<absl::Time>> NextDue() = 0;
  // The pending deliveries, counted up to `most`, and when the oldest of them was created
  // (nullopt when none is pending), for /metrics.
  struct QueueStats {
    uint64_t pending = 0;
    std::optional<absl::Time> oldest_created;
  };
  virtual absl::StatusOr<QueueStats> ReadQueueStats(uint64_t most) = 0;
  // Stores a pending delivery as an attempt left it (attribution::RecordAttempt). The write is
  // not synced: a crash before the next sync may send the delivery once more, with its id.
  virtual absl::Status RecordAttempt(const attribution::Delivery& delivery, absl::Time was_due) = 0;
  // Up to `limit` of the partner's deliveries, newest first, older than `before` if given.
  virtual absl::StatusOr<DeliveryPage> ListDeliveries(absl::string_view program_id,
                                                      absl::string_view partner_id,
                                                      std::optional<attribution::Ulid> before,
                                                      size_t limit) const = 0;
  // Puts the partner's failed delivery back to pending, due at `now`, with its attempts
  // counted afresh. kNotFound ("delivery <id> not found", also for another partner's);
  // kFailedPrecondition when it is not failed.
  virtual absl::StatusOr<attribution::Delivery> RetryDelivery(absl::string_view program_id,
                                                              absl::string_view partner_id,
                                                              const attribution::Ulid& id,
                                                              absl::Time now) = 0;
};

// What opening the store did to an older data directory (docs/operations.md, "Upgrade"):
// from == to when it was current.
struct FormatUpgrade {
  int from = 0;
  int to = 0;
  uint64_t ledger_entries_indexed = 0;  // 1 → 2: unpaid entries given their payout index
};

// What opening the store derived again after an unclean stop (a crash, or a backup taken while
// it served): returning visitors' click index entries that had not been stored
// (docs/decisions.md, "Returning visitors' index entries are stored later").
struct OpenRecovery {
  bool click_index = false;  // the index was not marked complete
  uint64_t clicks_read = 0;  // the clicks from its watermark on
};

// One backup (Maintenance::CreateBackup).
struct BackupInfo {
  uint32_t id = 0;
  absl::Time created = absl::UnixEpoch();
  uint64_t size_bytes = 0;  // of its files, counting files shared with other backups
  uint32_t files = 0;
};

// The store's health and upkeep.
class Maintenance {
 public:
  virtual ~Maintenance() = default;

  // Flushes memtables and compacts every column family to the bottom level: what a bulk load
  // or a scale test does before measuring. Slow; blocks until done.
  virtual absl::Status CompactAll() = 0;
  // Bytes of live SST files over all column families (the store's size on disk, WAL excluded).
  virtual uint64_t SstBytes() const = 0;

  // True while the store accepts writes (open, not stopped by the engine, last write OK).
  virtual bool IsWritable() const = 0;
  // The engine's background work, running or waiting for a thread.
  struct BackgroundWork {
    bool flush = false;       // memtables to write out: writes stop if they pile up
    bool compaction = false;  // L0 files to merge: writes slow down if they pile up
  };
  virtual BackgroundWork PendingBackgroundWork() const = 0;

  // The engine's figures for /metrics: per column family, and since the process started.
  struct EngineStats {
    struct Family {
      std::string name;
      uint64_t live_sst_bytes = 0;
      uint64_t memtable_bytes = 0;
      uint64_t pending_compaction_bytes = 0;
    };
    std::vector<Family> families;
    uint64_t write_stall_micros = 0;
    uint64_t block_cache_hits = 0;
    uint64_t block_cache_misses = 0;
  };
  virtual EngineStats ReadEngineStats() const = 0;

  // Makes a consistent backup of the store into `dir` (created if missing) while it serves:
  // writes go on, and files an older backup in `dir` already holds are shared, not copied
  // again. Then keeps only the newest `keep` backups (0: all). Slow: call it off the event
  // loops. kFailedPrecondition when `dir` cannot be written, naming it.
  virtual absl::StatusOr<BackupInfo> CreateBackup(const std::string& dir, uint32_t keep) = 0;
  // The backups in `dir`, oldest first; none when `dir` holds no backup.
  virtual absl::StatusOr<std::vector<BackupInfo>> ListBackups(const std::string& dir) const = 0;

  // What opening the store upgraded, if anything.
  virtual FormatUpgrade format_upgrade() const { return {}; }
  // What opening the store derived again, if anything.
  virtual OpenRecovery open_recovery() const { return {}; }

  // Flushes the write-ahead log to disk (graceful shutdown).
  virtual absl::Status Flush() = 0;
};

// The store: one object that holds every role. Callers keep the role they use.
class Store {
 public:
  virtual ~Store() = default;
  virtual ConfigStore& config() = 0;
  virtual ClickLog& clicks() = 0;
  virtual ConversionCommitter& committer() = 0;
  virtual ReportReader& reports() = 0;
  virtual Maintenance& maintenance() = 0;
  virtual Outbox& outbox() = 0;
  // The config as replicated over Kafka; nullptr where there is none (in memory).
  virtual ConfigReplica* config_replica() = 0;
  // The ship log, or nullptr unless StoreOptions::ship_clicks or ship_config.
  virtual ShipLog* ship_log() = 0;
};

struct StoreOptions {
  // Directory of the database; created if missing.
  std::string path;
  // Mints ids for conversions, customers and ledger entries; must outlive the store.
  // Required for SubmitConversion.
  attribution::IdSource* ids = nullptr;
  // Most events decided and written with one fsync. Default: 1024.
  size_t max_batch = 1024;
  // Block cache for reads. Default: 64 MiB.
  size_t block_cache_bytes = 64 << 20;
  // An edge node: every click is written with a ship log entry (Store::ship_log).
  bool ship_clicks = false;
  // A node of a cluster: every config change is written with a ship log entry.
  bool ship_config = false;
};

// Opens (creating if needed) the RocksDB store at `options.path` and loads the config cache.
// kFailedPrecondition with a readable message if another process holds the directory;
// kUnavailable/kInternal on other engine errors.
absl::StatusOr<std::unique_ptr<Store>> OpenRocksDbStore(const StoreOptions& options);

// Restores backup `id` (nullopt: the newest) of `backup_dir` into `data_dir`, which must be
// missing or empty: kFailedPrecondition otherwise, and kNotFound when `backup_dir` holds no
// such backup. Nothing outside `data_dir` changes.
absl::Status RestoreRocksDbBackup(const std::string& backup_dir, std::optional<uint32_t> id,
                                  const std::string& data_dir);

}  // namespace clicktrack::storage
