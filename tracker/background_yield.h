#pragma once

// How long an event loop leaves its core to RocksDB's background threads. They run under
// SCHED_IDLE, so on a core the loop keeps busy they get only what this hands them: in short
// slices (a request in flight waits at most one), and more while a flush waits, since writes
// stop when memtables pile up, while compactions only slow writes down.

#include "absl/time/time.h"

#include "storage/store.h"

namespace clicktrack::tracker {

// The pause of one of `loops` event loops for one yield period (ServerOptions::yield_period,
// 2 ms): 750 µs while a flush waits or runs, 250 µs while only compactions do, none otherwise.
// RocksDB runs two background threads, so with more than two loops each yields its share.
absl::Duration BackgroundYield(const storage::Maintenance::BackgroundWork& work, int loops);

}  // namespace clicktrack::tracker
