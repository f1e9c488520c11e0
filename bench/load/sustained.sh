#!/usr/bin/env bash
# Sustained saturation: one trackerd under redirect load for many back-to-back intervals, to
# see whether RocksDB's background work keeps up when the event loop leaves it almost no CPU.
# The whole process is pinned to core 0 (trackerd --threads 1, wrk on core 1, as in run.sh), so
# flushes and compactions (both SCHED_IDLE) only get what the loop leaves idle, plus the
# pauses the loop makes for them (tracker/background_yield.h).
# Per interval: redirects/s, p99, CPU per request, and from RocksDB's LOG the flushes and
# compactions finished so far, the largest level-0 file count seen, and the write stalls so
# far. Ends with the clicks check: every 302 wrk counted must have its click stored.
#
#   bench/load/sustained.sh [intervals=12] [seconds=10]
set -euo pipefail
cd "$(dirname "$0")/../.."
intervals="${1:-12}"
seconds="${2:-10}"

rounds=1
source bench/load/lib.sh
build_release trackerd
start_trackerd sustained
trap 'kill -TERM "$tpid" 2>/dev/null || true; rm -rf "$work"' EXIT
log="$work/data-sustained/LOG"
total=0
for interval in $(seq 1 "$intervals"); do
  before="$(cpu_of "$tpid")"
  read -r requests rps p50 p99 < <(run_wrk "http://$taddr/go/bench1" "")
  after="$(cpu_of "$tpid")"
  total=$((total + requests))
  cpu_us="$(cpu_per_request "$before" "$after" "$requests")"
  flushes="$(grep -c '"event": "flush_finished"' "$log" || true)"
  compactions="$(grep -c '"event": "compaction_finished"' "$log" || true)"
  # Before the first flush the LOG has no LSM state yet: no match is not an error.
  max_l0="$({ grep -o '"lsm_state": \[[0-9]*' "$log" | grep -o '[0-9]*$' | sort -n | tail -1; } || true)"
  stalls="$(grep -cE 'Stalling writes|Stopping writes' "$log" || true)"
  echo "interval $interval: $rps req/s, p50 ${p50} ms, p99 ${p99} ms, ${cpu_us} us CPU/req; flushes $flushes, compactions $compactions, max L0 files ${max_l0:-0}, stall messages $stalls"
done
stored="$(stored_clicks)"
rss="$(awk '/VmHWM/ {print $2}' "/proc/$tpid/status")"
stop_trackerd
{ grep -hoE "(Stalling|Stopping) writes because we have [0-9]+ [a-z0-9 -]+" "$log" || true; } |
  sed -E 's/[0-9]+ /N /' | sort | uniq -c | sed "s/^ */rocksdb: /"
echo "peak RSS $((rss / 1024)) MiB, data directory $(du -sm "$work/data-sustained" | cut -f1) MiB"
lost=$(( total > stored ? total - stored : 0 ))
echo "302s counted by wrk $total, clicks stored $stored"
echo "lost clicks: $lost"
[ "$lost" -eq 0 ]
