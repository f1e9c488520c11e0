#!/usr/bin/env bash
# An edge node against the single process (docs/scale-out.md), side by side:
#   redirect  /go/{code} on kept-alive connections, rounds alternating --role all and
#             --role edge (shipping every click to the mock cluster as it goes);
#   drain     an edge whose brokers are down while wrk clicks, then up: the clicks it
#             ships per second, and its CPU time per shipped click, until its backlog is 0.
# Prints each round, medians, and the ratios edge/all (requests/s and CPU per redirect).
# The cluster is librdkafka's mock (tests/kafka/kafka_mock, 3 brokers, replication factor 3)
# on core 1 with wrk; trackerd --threads 1 on core 0 (its shipper thread too).
#
#   bench/load/edge.sh [rounds=3] [seconds=10]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-3}"
seconds="${2:-10}"
source bench/load/lib.sh
build_release trackerd
deploy/setup.sh build >/dev/null  # build/tests/kafka_mock
mock_pid=""
stop_mock() { [ -z "$mock_pid" ] || { exec 7>&-; wait "$mock_pid" || true; mock_pid=""; }; }
trap 'stop_mock; pkill -f "nginx -p $work" 2>/dev/null || true; rm -rf "$work"' EXIT

# start_mock: a fresh cluster; sets bootstrap, and fd 7 to its commands.
start_mock() {
  rm -f "$work/mock.in" && mkfifo "$work/mock.in"
  local topics=()
  for t in config clicks conversions decisions changelog; do topics+=(--topic "clicktrack.$t:12:3"); done
  taskset -c 1 build/tests/kafka_mock --brokers 3 "${topics[@]}" <"$work/mock.in" >"$work/mock.out" 2>/dev/null &
  mock_pid=$!
  exec 7>"$work/mock.in"
  for _ in $(seq 1 100); do grep -q '^bootstrap' "$work/mock.out" 2>/dev/null && break; sleep 0.05; done
  bootstrap="$(awk '/^bootstrap/ {print $2}' "$work/mock.out")"
}
mock_command() { echo "$1" >&7; sleep 0.2; }

metric() { curl -sf "http://$taddr/metrics" | awk -v m="$1" '$1 == m {print $2}'; }

: >"$work/results"
for round in $(seq 1 "$rounds"); do
  for role in all edge; do
    if [ "$role" = edge ]; then start_mock; export TRACKERD_FLAGS="--role edge --kafka $bootstrap"; else unset TRACKERD_FLAGS; fi
    start_trackerd "$role-$round"
    measure_trackerd "http://$taddr/go/bench1"
    extra=""
    if [ "$role" = edge ]; then
      extra=", shipped during the run $(metric 'clicktrack_shipped_total{topic="clicktrack.clicks"}'), backlog at its end $(metric clicktrack_ship_backlog)"
    fi
    stop_trackerd
    [ "$role" = edge ] && stop_mock
    echo "redirect $role round $round: $rps req/s, p50 ${p50} ms, p99 ${p99} ms, ${cpu_us} us CPU/req$extra"
    echo "redirect $role $rps $cpu_us" >>"$work/results"
  done
  # drain: a backlog made while every broker is down, shipped once they are back.
  start_mock
  export TRACKERD_FLAGS="--role edge --kafka $bootstrap"
  start_trackerd "drain-$round"
  mock_command "down all"
  run_wrk "http://$taddr/go/bench1" "" >/dev/null
  backlog="$(metric clicktrack_ship_backlog)"
  before="$(cpu_of "$tpid")"
  start="$(date +%s.%N)"
  mock_command "up all"
  while [ "$(metric clicktrack_ship_backlog)" != 0 ]; do sleep 0.05; done
  end="$(date +%s.%N)"
  after="$(cpu_of "$tpid")"
  stop_trackerd
  stop_mock
  rate="$(awk -v n="$backlog" -v a="$start" -v b="$end" 'BEGIN {printf "%.0f", n/(b-a)}')"
  cpu_us="$(cpu_per_request "$before" "$after" "$backlog" 2)"
  echo "drain round $round: $backlog clicks shipped at $rate clicks/s, ${cpu_us} us CPU per click"
  echo "drain edge $rate $cpu_us" >>"$work/results"
done

col() { awk -v s="$1" -v r="$2" -v c="$3" '$1 == s && $2 == r {print $c}' "$work/results" | median; }
echo
echo "medians of $rounds rounds:"
for role in all edge; do
  echo "  redirect $role: $(col redirect "$role" 3) req/s, $(col redirect "$role" 4) us CPU/req"
done
echo "  drain: $(col drain edge 3) clicks shipped/s, $(col drain edge 4) us CPU per shipped click"
awk -v a="$(col redirect all 3)" -v e="$(col redirect edge 3)" -v ca="$(col redirect all 4)" -v ce="$(col redirect edge 4)" \
  'BEGIN {printf "edge / all: requests/s %.2fx, CPU per redirect %.2fx\n", e/a, ce/ca}'
