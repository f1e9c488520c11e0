#!/usr/bin/env bash
# The load harness: trackerd against nginx on this machine, side by side.
#
#   bench/load/run.sh [rounds=3] [seconds=10]
#
# Builds Release, then for the redirect (/go/{code} vs nginx `return 302` with a buffered
# access log) on kept-alive connections, the same redirect with a new connection per request
# (`Connection: close`, "redirect-close": a visitor's first click) and the pixel (/px.gif with
# unique orders vs nginx `empty_gif`) runs rounds that alternate trackerd, nginx, trackerd, …
# each on a fresh server; then durable postbacks (no nginx twin; bench/load/durable.sh sets
# them against PostgreSQL). SCENARIOS="redirect-close" (say) runs only those. The server under test runs on core 0 (trackerd --threads 1, nginx one worker),
# wrk on core 1 with a browser User-Agent (`wrk -t1 -c64 --latency`).
# Prints each round, then medians of requests/s, p50 and p99, the server's CPU time per
# request, trackerd's peak RSS, the ratios trackerd/nginx (requests/s and CPU), and checks that every 302 wrk
# counted has its click in the store ("lost clicks: 0"); exits 1 if any click is lost.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-3}"
seconds="${2:-10}"
source bench/load/lib.sh
build_release trackerd

lost_total=0
: >"$work/results"
scenarios="${SCENARIOS:-redirect redirect-close pixel}"
for scenario in $scenarios; do
  [ "$scenario" = redirect-close ] && export CLOSE=1 || unset CLOSE
  for round in $(seq 1 "$rounds"); do
    # trackerd
    start_trackerd "$scenario-$round"
    if [ "$scenario" != pixel ]; then url="http://$taddr/go/bench1"; script=""; else url="http://$taddr/"; script="bench/load/orders.lua"; fi
    before="$(cpu_of "$tpid")"
    read -r requests rps p50 p99 < <(run_wrk "$url" "$script")
    after="$(cpu_of "$tpid")"
    rss="$(awk '/VmHWM/ {print $2}' "/proc/$tpid/status")"
    cpu_us="$(cpu_per_request "$before" "$after" "$requests")"
    extra=""
    if [ "$scenario" != pixel ]; then
      stored="$(stored_clicks)"
      lost=$(( requests > stored ? requests - stored : 0 ))
      lost_total=$((lost_total + lost))
      extra=", 302s counted by wrk $requests, clicks stored $stored, lost $lost"
    fi
    stop_trackerd
    echo "$scenario trackerd round $round: $rps req/s, p50 ${p50} ms, p99 ${p99} ms, ${cpu_us} us CPU/req, peak RSS $((rss / 1024)) MiB$extra"
    echo "$scenario trackerd $rps $p50 $p99 $cpu_us $rss" >>"$work/results"
    # nginx
    start_nginx
    if [ "$scenario" != pixel ]; then url="http://$naddr/go/bench1"; else url="http://$naddr/px.gif"; fi
    pids="$npid $(pgrep -P "$npid" | tr '\n' ' ')"
    before="$(cpu_of $pids)"
    read -r requests rps p50 p99 < <(run_wrk "$url" "")
    after="$(cpu_of $pids)"
    stop_nginx
    cpu_us="$(cpu_per_request "$before" "$after" "$requests")"
    echo "$scenario nginx    round $round: $rps req/s, p50 ${p50} ms, p99 ${p99} ms, ${cpu_us} us CPU/req"
    echo "$scenario nginx $rps $p50 $p99 $cpu_us 0" >>"$work/results"
  done
done

unset CLOSE
echo
for scenario in $scenarios; do
  for server in trackerd nginx; do
    sel() { awk -v s="$scenario" -v v="$server" -v c="$1" '$1==s && $2==v {print $c}' "$work/results" | median; }
    line="$scenario $server: median $(sel 3) req/s, p50 $(sel 4) ms, p99 $(sel 5) ms, $(sel 6) us CPU/req"
    [ "$server" = trackerd ] && line="$line, peak RSS $(( $(sel 7 | cut -d. -f1) / 1024 )) MiB"
    echo "$line"
  done
  t="$(awk -v s="$scenario" '$1==s && $2=="trackerd" {print $3}' "$work/results" | median)"
  n="$(awk -v s="$scenario" '$1==s && $2=="nginx" {print $3}' "$work/results" | median)"
  tc="$(awk -v s="$scenario" '$1==s && $2=="trackerd" {print $6}' "$work/results" | median)"
  nc="$(awk -v s="$scenario" '$1==s && $2=="nginx" {print $6}' "$work/results" | median)"
  echo "$scenario ratio trackerd/nginx: $(awk -v t="$t" -v n="$n" 'BEGIN {printf "%.2f", t/n}') req/s, $(awk -v t="$tc" -v n="$nc" 'BEGIN {printf "%.2f", t/n}') CPU/req"
done

echo
MODES=postback bench/load/postback.sh "$rounds" "$seconds" | tail -1 | sed 's/^/postback /'
echo "lost clicks: $lost_total"
[ "$lost_total" -eq 0 ]
