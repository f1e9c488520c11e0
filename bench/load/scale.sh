#!/usr/bin/env bash
# Growth: a store of many clicks (10 million by default) written through the batched click
# path and compacted, its bytes on disk per click, and the redirect rate and p99 with that data
# present beside an empty store (alternating rounds, pinned as in run.sh).
#
#   bench/load/scale.sh [clicks=10000000] [rounds=3] [seconds=10]
#
# Needs about 1 GiB of disk per 10 million clicks, in $TMPDIR.
set -euo pipefail
cd "$(dirname "$0")/../.."
clicks="${1:-10000000}"
rounds="${2:-3}"
seconds="${3:-10}"

source bench/load/lib.sh
build_release trackerd click_fill

filled="$work/filled"
echo "filling $filled with $clicks clicks…"
build-release/bench/click_fill --data "$filled" --clicks "$clicks"

: >"$work/results"
for round in $(seq 1 "$rounds"); do
  for store in empty filled; do
    if [ "$store" = filled ]; then start_trackerd filled "$filled"; else start_trackerd "empty-$round"; fi
    before="$(cpu_of "$tpid")"
    read -r requests rps p50 p99 < <(run_wrk "http://$taddr/go/bench1" "")
    after="$(cpu_of "$tpid")"
    stop_trackerd
    cpu_us="$(cpu_per_request "$before" "$after" "$requests")"
    echo "redirect, $store store, round $round: $rps req/s, p50 ${p50} ms, p99 ${p99} ms, ${cpu_us} us CPU/req"
    echo "$store $rps $p99 $cpu_us" >>"$work/results"
  done
done
for store in empty filled; do
  sel() { awk -v s="$store" -v c="$1" '$1==s {print $c}' "$work/results" | median; }
  echo "redirect, $store store: median $(sel 2) req/s, p99 $(sel 3) ms, $(sel 4) us CPU/req"
done
