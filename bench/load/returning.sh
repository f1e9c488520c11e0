#!/usr/bin/env bash
# Returning visitors against new ones, in one run: redirects that carry a tc_cid cookie, so
# every click goes through the uniqueness look-up and writes a customer_clicks entry, beside
# redirects without one (each a new visitor, whose first click writes neither). Set up as
# run.sh: trackerd --threads 1 on core 0, wrk on core 1. Each round runs a fresh trackerd with
# new visitors, then a fresh one that mints VISITORS customers with one redirect each (curl)
# and runs wrk with bench/load/returning.lua cycling through their cookies.
# Prints per round and as medians: redirects/s, p50, p99, CPU per request, and the median of
# the rounds' CPU ratios returning/new; then checks that every 302 has its click stored and
# that each returning visitor counted as unique once (all their clicks fall within 24 hours on
# one link); exits 1 otherwise.
#
#   bench/load/returning.sh [rounds=3] [seconds=10] [visitors=1000]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-3}"
seconds="${2:-10}"
visitors="${3:-1000}"

source bench/load/lib.sh
build_release trackerd

failed=0
: >"$work/results"
: >"$work/ratios"
for round in $(seq 1 "$rounds"); do
  start_trackerd "new-$round"
  measure_trackerd "http://$taddr/go/bench1"
  new_cpu="$cpu_us"
  stored="$(stored_clicks)"
  stop_trackerd
  echo "round $round, new visitors: $rps req/s, p50 ${p50} ms, p99 ${p99} ms, ${new_cpu} us CPU/req; clicks stored $stored of $requests"
  echo "new $rps $p50 $p99 $new_cpu" >>"$work/results"
  [ "$stored" -ge "$requests" ] || failed=1

  start_trackerd "returning-$round"
  : >"$work/cookies"
  for _ in $(seq 1 "$visitors"); do
    curl -s -o /dev/null -D - -A "$agent" "http://$taddr/go/bench1" |
      grep -o 'tc_cid=[0-9A-Z]*' | cut -d= -f2 >>"$work/cookies"
  done
  before="$(cpu_of "$tpid")"
  read -r requests rps p50 p99 < <(COOKIES="$work/cookies" run_wrk "http://$taddr/go/bench1" \
    bench/load/returning.lua)
  after="$(cpu_of "$tpid")"
  cpu_us="$(cpu_per_request "$before" "$after" "$requests")"
  read -r clicks unique < <(curl -sf "http://$taddr/api/v1/programs/bench/partners/p1/stats" \
    -H "Authorization: Bearer $admin" |
    python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["clicks"], s["unique_clicks"])')
  stop_trackerd
  expected=$((requests + visitors))
  echo "round $round, returning visitors: $rps req/s, p50 ${p50} ms, p99 ${p99} ms, ${cpu_us} us CPU/req; clicks stored $clicks of $expected, unique $unique of $visitors"
  echo "returning $rps $p50 $p99 $cpu_us" >>"$work/results"
  echo "$cpu_us $new_cpu" | awk '{printf "%.3f\n", $1 / $2}' >>"$work/ratios"
  if [ "$clicks" -lt "$expected" ] || [ "$unique" -ne "$visitors" ]; then failed=1; fi
done
sel() { awk -v w="$1" -v c="$2" '$1==w {print $c}' "$work/results" | median; }
for who in new returning; do
  echo "$who visitors: median $(sel "$who" 2) req/s, p50 $(sel "$who" 3) ms, p99 $(sel "$who" 4) ms, $(sel "$who" 5) us CPU/req"
done
echo "returning/new CPU per redirect: $(median <"$work/ratios") (median of the rounds' ratios)"
[ "$failed" -eq 0 ] && echo "clicks check: ok" || { echo "clicks check: FAILED"; exit 1; }
