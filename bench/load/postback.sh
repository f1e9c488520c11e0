#!/usr/bin/env bash
# Durable conversions per second through the real server: a Release trackerd on a fresh data
# directory, one program, wrk with 64 keep-alive connections. Each round measures two routes
# one after the other, each on a fresh store:
#   postback  GET /postback with unique order ids (repeat customers among 5,000);
#   stripe    POST /webhooks/stripe/{program}: signed invoice.paid events (API 2025-08-27
#             shape, bench/load/stripe_events.py), unique event and invoice ids, 5,000
#             customers; signature check, decoding, event-id de-duplication and the sale,
#             fsync'd before the 200.
# Prints, per round and route and as medians: requests/s, p50/p99 latency, the server's CPU
# time per request, and the mean number of events per fsync (committer batch).
#
#   bench/load/postback.sh [rounds=3] [seconds=10]
#   MODES=postback bench/load/postback.sh …   only one route (an A/B against an older binary)
#
# Pinning as in SPEC's bench notes: trackerd on core 0 (--threads 1), wrk on core 1.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-3}"
seconds="${2:-10}"

source bench/load/lib.sh
build_release trackerd
trackerd="${TRACKERD:-build-release/trackerd}"  # another binary for A/B runs

token="bench-postback-secret"
whsec="whsec_bench_0123456789"
admin="bench-admin-token-0123456789"
events="$(mktemp)"
trap 'rm -f "$events"' EXIT

# measure MODE: one run of MODE against a fresh trackerd; prints "rps cpu_us mean_batch".
measure() {
  local mode="$1" data log pid addr out cpu_before cpu_after
  data="$(mktemp -d)"
  log="$data.log"
  taskset -c 0 "$trackerd" --listen 127.0.0.1:0 --data "$data" --threads 1 \
    --admin-token "$admin" 2>"$log" &
  pid=$!
  for _ in $(seq 1 100); do grep -q '"listen"' "$log" 2>/dev/null && break; sleep 0.05; done
  addr="$(grep -o '"listen":"[^"]*"' "$log" | head -1 | cut -d'"' -f4)"
  curl -sf -X PUT "http://$addr/api/v1/programs/bench" -H "Authorization: Bearer $admin" \
    -d "{\"name\":\"Bench\",\"currency\":\"USD\",\"postback_secret\":\"$token\",\"stripe_webhook_secret\":\"$whsec\",\"allowed_hosts\":[\"shop.example.com\"]}" >/dev/null
  if [ "$mode" = stripe ]; then
    python3 bench/load/stripe_events.py "$whsec" $((40000 * seconds)) "$events"
  fi
  cpu_before="$(awk '{print $14+$15}' "/proc/$pid/stat")"
  out="$(MODE=$mode PROGRAM=bench TOKEN=$token EVENTS=$events taskset -c 1 wrk -t1 -c64 \
    -d"${seconds}s" --latency -s bench/load/orders.lua "http://$addr/" 2>&1)"
  cpu_after="$(awk '{print $14+$15}' "/proc/$pid/stat")"
  kill -TERM "$pid"; wait "$pid" || true
  local requests rps p50 p99 non2xx mean_batch cpu_us
  requests="$(echo "$out" | awk '/requests in/ {print $1}')"
  rps="$(echo "$out" | awk '/Requests\/sec/ {print $2}')"
  p50="$(echo "$out" | awk '$1=="50%" {print $2}')"
  p99="$(echo "$out" | awk '$1=="99%" {print $2}')"
  non2xx="$(echo "$out" | awk '/Non-2xx/ {print $NF}')"
  mean_batch="$(grep -o '"mean_batch":"[^"]*"' "$log" | cut -d'"' -f4)"
  cpu_us="$(awk -v a="$cpu_before" -v b="$cpu_after" -v n="$requests" -v t="$(getconf CLK_TCK)" \
    'BEGIN {printf "%.1f", (b - a) / t * 1e6 / n}')"
  echo "round $round $mode: ${rps}/s, p50 ${p50}, p99 ${p99}, ${cpu_us} us CPU/request, mean batch ${mean_batch}, non-2xx ${non2xx:-0}" >&2
  rm -rf "$data" "$log"
  echo "$rps $cpu_us $mean_batch"
}

postbacks=()
stripe=()
modes="${MODES:-postback stripe}"
for round in $(seq 1 "$rounds"); do
  [[ " $modes " == *" postback "* ]] && postbacks+=("$(measure postback)")
  [[ " $modes " == *" stripe "* ]] && stripe+=("$(measure stripe)")
done
summary() {
  sort -n | awk -v n="$rounds" -v what="$1" '
    {rps[NR]=$1; cpu[NR]=$2; batch[NR]=$3}
    END {m=int((n+1)/2); printf "median round (by rate), %s: %s/s, %s us CPU/request, mean batch %s\n", what, rps[m], cpu[m], batch[m]}'
}
if [ ${#postbacks[@]} -gt 0 ]; then printf '%s\n' "${postbacks[@]}" | summary "GET /postback"; fi
if [ ${#stripe[@]} -gt 0 ]; then printf '%s\n' "${stripe[@]}" | summary "Stripe invoice.paid"; fi
