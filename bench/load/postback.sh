#!/usr/bin/env bash
# Durable postbacks per second through the real server: a Release trackerd on a fresh data
# directory, one program, wrk with 64 keep-alive connections sending GET /postback with unique
# order ids. Prints, per round and as medians: postbacks/s, p50/p99 latency, the server's CPU
# time per postback, and the mean number of postbacks per fsync (committer batch).
#
#   bench/load/postback.sh [rounds=3] [seconds=10]
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
admin="bench-admin-token-0123456789"
results=()
for round in $(seq 1 "$rounds"); do
  data="$(mktemp -d)"
  log="$data.log"
  taskset -c 0 "$trackerd" --listen 127.0.0.1:0 --data "$data" --threads 1 \
    --admin-token "$admin" 2>"$log" &
  pid=$!
  for _ in $(seq 1 100); do grep -q '"listen"' "$log" 2>/dev/null && break; sleep 0.05; done
  addr="$(grep -o '"listen":"[^"]*"' "$log" | head -1 | cut -d'"' -f4)"
  curl -sf -X PUT "http://$addr/api/v1/programs/bench" -H "Authorization: Bearer $admin" \
    -d "{\"name\":\"Bench\",\"currency\":\"USD\",\"postback_secret\":\"$token\",\"allowed_hosts\":[\"shop.example.com\"]}" >/dev/null
  cpu_before="$(awk '{print $14+$15}' "/proc/$pid/stat")"
  out="$(MODE=postback PROGRAM=bench TOKEN=$token taskset -c 1 wrk -t1 -c64 -d"${seconds}s" --latency \
    -s bench/load/orders.lua "http://$addr/" 2>&1)"
  cpu_after="$(awk '{print $14+$15}' "/proc/$pid/stat")"
  kill -TERM "$pid"; wait "$pid" || true
  requests="$(echo "$out" | awk '/requests in/ {print $1}')"
  rps="$(echo "$out" | awk '/Requests\/sec/ {print $2}')"
  p50="$(echo "$out" | awk '$1=="50%" {print $2}')"
  p99="$(echo "$out" | awk '$1=="99%" {print $2}')"
  non2xx="$(echo "$out" | awk '/non-2xx/ {print $2}')"
  mean_batch="$(grep -o '"mean_batch":"[^"]*"' "$log" | cut -d'"' -f4)"
  ticks="$(getconf CLK_TCK)"
  cpu_us="$(awk -v a="$cpu_before" -v b="$cpu_after" -v n="$requests" -v t="$ticks" \
    'BEGIN {printf "%.1f", (b - a) / t * 1e6 / n}')"
  echo "round $round: ${rps} postbacks/s, p50 ${p50}, p99 ${p99}, ${cpu_us} us CPU/postback, mean batch ${mean_batch}, non-2xx ${non2xx}"
  results+=("$rps $cpu_us $mean_batch")
  rm -rf "$data" "$log"
done
printf '%s\n' "${results[@]}" | sort -n | awk -v n="$rounds" '
  {rps[NR]=$1; cpu[NR]=$2; batch[NR]=$3}
  END {m=int((n+1)/2); printf "median round (by postbacks/s): %s postbacks/s, %s us CPU/postback, mean batch %s\n", rps[m], cpu[m], batch[m]}'
