#pragma once

// The customer_clicks entries of returning visitors' clicks whose records are stored but whose
// entries are not yet. They reach the store later, in runs in key order, so that the memtable
// inserts each entry next to the one before: an entry inserted at a random place of a 32 MB
// memtable cost 3.6 of a returning visitor's 18 µs (docs/performance.md). Readers of a
// customer's clicks look here as well as in the store (VisitCustomerClicks).
//
// Crash safety: the click records are the truth and the index is derived from them. Each run
// is written with a watermark, a time before which every stored returning click has its entry
// in the store; after a crash the entries of the clicks from the watermark on are derived
// again (RecoverClickIndex). Thread-safe.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace clicktrack::storage_internal {

class PendingClickIndex {
 public:
  struct Entry {
    std::string key;    // customer_clicks key: program, customer, time, click id
    std::string value;  // its value, an encoded proto::CustomerClick
    absl::Time time;    // the click's
  };
  struct Stored {
    std::string value;
    absl::Time time;
  };
  using Map = std::map<std::string, Stored, std::less<>>;
  // Pending entries taken to be written, in key order, and the watermark to write with them.
  // Its entries stay visible to readers until Finish.
  struct Run {
    std::vector<Map::const_iterator> entries;
    absl::Time watermark;
  };

  // How many entries stay pending between runs (their density is what makes a run's inserts
  // cheap), how long an entry may wait when fewer arrive, and the most one run writes.
  static constexpr size_t kResident = 4096;
  static constexpr absl::Duration kMaxWait = absl::Seconds(1);
  static constexpr size_t kMaxRun = 2048;
  // How often the watermark moves on when no entry is due: it bounds what a recovery reads.
  static constexpr absl::Duration kWatermarkEvery = absl::Seconds(10);

  // Before the first write: the watermark the store holds (RecoverClickIndex's).
  void Start(absl::Time watermark);

  // Brackets the write of click records whose earliest time is `earliest`: until EndWrite,
  // no watermark passes it. A click older than the write's `horizon` may already be behind a
  // watermark: its entry must be stored with its click, not left pending.
  struct Write {
    uint64_t ticket;
    absl::Time horizon;
  };
  Write BeginWrite(absl::Time earliest);
  // The write ended; if it stored the clicks, their `entries` become pending (moved from).
  void EndWrite(uint64_t ticket, bool stored, std::vector<Entry>& entries);

  // The next run, following the last one in key order: the entries past kResident, or up to
  // kMaxRun once the oldest has waited kMaxWait as of `now`; `drain` takes up to kMaxRun
  // whatever is pending. With no entry due, a run of none once the last watermark written is
  // kWatermarkEvery old. nullopt when nothing is due or another run is being written.
  std::optional<Run> TakeRun(absl::Time now, bool drain = false);
  // The run was written (its entries leave) or not (they stay pending).
  void Finish(const Run& run, bool written);

  // Calls f(key, value) for each pending entry whose key starts with `prefix`, from the first
  // at or after `start` on, in key order, while f returns true.
  void Visit(absl::string_view prefix, absl::string_view start,
             absl::FunctionRef<bool(absl::string_view, absl::string_view)> f) const;

  size_t size() const;

 private:
  void AddTime(absl::Time time);
  void RemoveTime(absl::Time time);
  // The earliest time among entries pending outside `run` and writes under way.
  std::optional<absl::Time> Earliest() const;

  mutable std::mutex mu_;
  Map entries_;
  // Times of the entries not in the run being written, as counts per millisecond.
  absl::btree_map<int64_t, uint32_t> times_;
  absl::flat_hash_map<uint64_t, absl::Time> writes_;  // BeginWrite's, by ticket
  uint64_t next_ticket_ = 0;
  std::string cursor_;  // runs go on from here (the key after the last run's last)
  bool running_ = false;
  absl::Time watermark_ = absl::InfinitePast();  // the last one written
  absl::Time horizon_ = absl::InfinitePast();    // the latest one taken, written or not
};

}  // namespace clicktrack::storage_internal
