// GET /metrics (SPEC §4.6): every thread's counters, the store's figures and the process's, in
// the Prometheus text format. docs/operations.md lists each family.

#include <string>

#include "absl/strings/str_cat.h"

#include "tracker/api/handlers.h"

namespace clicktrack::tracker {
namespace {

using storage::CommitterStats;

// Deliveries counted at most, so that a scrape of a huge backlog stays quick.
constexpr uint64_t kMostQueueCounted = 1'000'000;

void WriteCommitter(const CommitterStats& stats, MetricsText& out) {
  out.Family("clicktrack_committer_batch_events", "histogram",
             "Events decided per synced write of the conversion committer.");
  out.Histogram("clicktrack_committer_batch_events", {}, CommitterStats::kBatchBounds,
                stats.batch_events, stats.batch_events_sum, 1.0);
  out.Family("clicktrack_committer_write_seconds", "histogram",
             "Time of each synced write (fsync included) of the conversion committer.");
  out.Histogram("clicktrack_committer_write_seconds", {}, CommitterStats::kWriteBoundsMicros,
                stats.write_micros, stats.write_micros_sum, 1e-6);
  out.Family("clicktrack_committer_queue_depth", "gauge",
             "Events waiting for the conversion committer.");
  out.Sample("clicktrack_committer_queue_depth", {}, stats.queue_depth);
  out.Family("clicktrack_conversions_total", "counter",
             "Events decided and stored, by result (SPEC 5) and conversion kind.");
  for (size_t result = 0; result < CommitterStats::kResultSlots; ++result) {
    for (size_t kind = 0; kind < CommitterStats::kKindSlots; ++kind) {
      if (stats.conversions[result][kind] == 0) {
        continue;
      }
      const absl::string_view kind_name =
          kind + 1 == CommitterStats::kKindSlots
              ? "none"
              : attribution::ConversionKindName(static_cast<attribution::ConversionKind>(kind));
      out.Sample("clicktrack_conversions_total",
                 {{"result", attribution::ResultName(static_cast<attribution::Result>(result))},
                  {"kind", kind_name}},
                 stats.conversions[result][kind]);
    }
  }
  out.Family("clicktrack_commission_minor_total", "counter",
             "Commission credited (accrual, bonus) and taken back (reversal), in minor units.");
  for (const CommitterStats::Commission& commission : stats.commission) {
    out.Sample(
        "clicktrack_commission_minor_total",
        {{"currency", commission.currency}, {"type", attribution::LedgerTypeName(commission.type)}},
        commission.minor);
  }
}

void WriteEngine(const storage::Maintenance::EngineStats& stats, MetricsText& out) {
  using Family = storage::Maintenance::EngineStats::Family;
  const auto per_family = [&](absl::string_view name, absl::string_view help,
                              uint64_t Family::*field) {
    out.Family(name, "gauge", help);
    for (const Family& family : stats.families) {
      out.Sample(name, {{"family", family.name}}, family.*field);
    }
  };
  per_family("clicktrack_rocksdb_live_sst_bytes", "Bytes of live SST files, by column family.",
             &Family::live_sst_bytes);
  per_family("clicktrack_rocksdb_memtable_bytes", "Bytes of memtables, by column family.",
             &Family::memtable_bytes);
  per_family("clicktrack_rocksdb_pending_compaction_bytes",
             "Bytes RocksDB estimates compaction must rewrite, by column family.",
             &Family::pending_compaction_bytes);
  out.Family("clicktrack_rocksdb_write_stall_seconds_total", "counter",
             "Time writes were delayed or stopped by RocksDB.");
  out.Sample("clicktrack_rocksdb_write_stall_seconds_total", {},
             static_cast<double>(stats.write_stall_micros) * 1e-6);
  out.Family("clicktrack_rocksdb_block_cache_hits_total", "counter", "Block cache hits.");
  out.Sample("clicktrack_rocksdb_block_cache_hits_total", {}, stats.block_cache_hits);
  out.Family("clicktrack_rocksdb_block_cache_misses_total", "counter", "Block cache misses.");
  out.Sample("clicktrack_rocksdb_block_cache_misses_total", {}, stats.block_cache_misses);
}

void WriteOutbox(storage::Outbox& outbox, absl::Time now, MetricsText& out) {
  absl::StatusOr<storage::Outbox::QueueStats> queue = outbox.ReadQueueStats(kMostQueueCounted);
  if (!queue.ok()) {
    return;  // the families are left out: an absent series, not a false zero
  }
  out.Family("clicktrack_outbox_pending", "gauge",
             "Postback deliveries pending (counted up to 1,000,000).");
  out.Sample("clicktrack_outbox_pending", {}, queue->pending);
  out.Family("clicktrack_outbox_oldest_pending_age_seconds", "gauge",
             "Age of the oldest pending postback delivery; 0 when none is pending.");
  out.Sample(
      "clicktrack_outbox_oldest_pending_age_seconds", {},
      queue->oldest_created.has_value()
          ? absl::ToDoubleSeconds(std::max(absl::ZeroDuration(), now - *queue->oldest_created))
          : 0.0);
}

}  // namespace

Reply Metrics(const ApiContext& api, const Call& /*call*/) {
  MetricsText out;
  WriteThreadMetrics(out);
  WriteCommitter(api.committer.committer_stats(), out);
  WriteEngine(api.maintenance.ReadEngineStats(), out);
  WriteOutbox(api.outbox, api.clock.Now(), out);
  out.Family("clicktrack_ready", "gauge", "1 while the store accepts writes (/readyz), else 0.");
  out.Sample("clicktrack_ready", {}, uint64_t{api.maintenance.IsWritable() ? 1u : 0u});
  WriteProcessMetrics(out);
  if (api.options.more_metrics) {
    api.options.more_metrics(out);
  }
  HttpResponse response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = out.Take();
  return response;
}

}  // namespace clicktrack::tracker
