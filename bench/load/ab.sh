#!/usr/bin/env bash
# An A/B run of the redirect: this tree's trackerd against the one built from REV, side by side.
#
#   bench/load/ab.sh REV [rounds=5] [seconds=10]
#
# Builds both in Release (REV in a git worktree under build-ab/), then alternates rounds
# (baseline, candidate, baseline, …), each on a fresh server pinned to core 0 with wrk on core
# 1 (`wrk -t1 -c64`, keep-alive, /go/bench1). Prints each round, the medians of requests/s and
# of the server's CPU time per redirect, and the ratios candidate/baseline: CPU per request
# holds within about ±10 % on this shared machine, requests/s within ±30 %.
set -euo pipefail
cd "$(dirname "$0")/../.."
rev="${1:?usage: bench/load/ab.sh REV [rounds] [seconds]}"
rounds="${2:-5}"
seconds="${3:-10}"
source bench/load/lib.sh
build_release trackerd
candidate="$PWD/build-release/trackerd"
tree="$PWD/build-ab/src"
if [ ! -d "$tree" ] || [ "$(git -C "$tree" rev-parse HEAD)" != "$(git rev-parse "$rev")" ]; then
  rm -rf "$tree"
  git worktree prune
  git worktree add --detach "$tree" "$rev" >/dev/null
fi
(cd "$tree" && cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCLICKTRACK_BUILD_TESTS=OFF \
  -DCLICKTRACK_BUILD_BENCH=OFF >/dev/null && cmake --build build --target trackerd >/dev/null)
baseline="$tree/build/trackerd"

: >"$work/results"
for round in $(seq 1 "$rounds"); do
  for side in baseline candidate; do
    if [ "$side" = baseline ]; then TRACKERD="$baseline"; else TRACKERD="$candidate"; fi
    export TRACKERD
    start_trackerd "$side-$round"
    before="$(cpu_of "$tpid")"
    read -r requests rps p50 p99 < <(run_wrk "http://$taddr/go/bench1" "")
    after="$(cpu_of "$tpid")"
    stop_trackerd
    cpu_us="$(cpu_per_request "$before" "$after" "$requests" 2)"
    echo "round $round $side: $rps req/s, p99 $p99 ms, $cpu_us us CPU/redirect"
    echo "$side $rps $cpu_us $p99" >>"$work/results"
  done
done
echo
for side in baseline candidate; do
  echo "$side: median $(awk -v s=$side '$1==s {print $2}' "$work/results" | median) req/s," \
    "$(awk -v s=$side '$1==s {print $3}' "$work/results" | median) us CPU/redirect," \
    "p99 $(awk -v s=$side '$1==s {print $4}' "$work/results" | median) ms"
done
ratio() { awk -v c="$(awk -v s=candidate -v k="$1" '$1==s {print $k}' "$work/results" | median)" \
  -v b="$(awk -v s=baseline -v k="$1" '$1==s {print $k}' "$work/results" | median)" 'BEGIN {printf "%.3f", c/b}'; }
echo "candidate/baseline: req/s $(ratio 2), CPU per redirect $(ratio 3)"
