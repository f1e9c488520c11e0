#!/usr/bin/env bash
# The load harness: trackerd against nginx on this machine, side by side.
#
#   bench/load/run.sh [rounds=3] [seconds=10]
#
# Builds Release, then for the redirect (/go/{code} vs nginx `return 302` with a buffered
# access log) and the pixel (/px.gif with unique orders vs nginx `empty_gif`) runs rounds that
# alternate trackerd, nginx, trackerd, … each on a fresh server; then durable postbacks (no
# nginx twin). The server under test runs on core 0 (trackerd --threads 1, nginx one worker),
# wrk on core 1 with a browser User-Agent (`wrk -t1 -c64 --latency`).
# Prints each round, then medians of requests/s, p50 and p99, the server's CPU time per
# request, trackerd's peak RSS, the ratios trackerd/nginx, and checks that every 302 wrk
# counted has its click in the store ("lost clicks: 0"); exits 1 if any click is lost.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-3}"
seconds="${2:-10}"
agent="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"
admin="bench-admin-token-0123456789"
secret="bench-postback-secret"
destination="https://shop.example.com/landing?utm_source=partner"

command -v wrk >/dev/null && command -v nginx >/dev/null || deploy/setup.sh build >/dev/null
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DCLICKTRACK_BUILD_TESTS=OFF \
  -DCLICKTRACK_BUILD_BENCH=OFF >/dev/null
cmake --build build-release --target trackerd >/dev/null

work="$(mktemp -d)"
trap 'pkill -f "nginx -p $work" 2>/dev/null || true; rm -rf "$work"' EXIT
ticks="$(getconf CLK_TCK)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_of() { local total=0; for p in "$@"; do total=$((total + $(awk '{print $14+$15}' "/proc/$p/stat"))); done; echo "$total"; }
to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) printf "%.3f", v/1000; else if (v ~ /ms$/) printf "%.3f", v+0; else printf "%.3f", v*1000 }'; }

# Runs wrk against $1 (URL) with script $2 (or "") and prints "requests rps p50ms p99ms".
run_wrk() {
  local url="$1" script="$2" out
  if [ -n "$script" ]; then
    out="$(PROGRAM=bench TOKEN=$secret taskset -c 1 wrk -t1 -c64 -d"${seconds}s" --latency -H "User-Agent: $agent" -s "$script" "$url" 2>&1)"
  else
    out="$(taskset -c 1 wrk -t1 -c64 -d"${seconds}s" --latency -H "User-Agent: $agent" "$url" 2>&1)"
  fi
  echo "$out" >"$work/wrk.out"
  if grep -q "Non-2xx or 3xx" <<<"$out"; then echo "wrk saw errors: $(grep 'Non-2xx' <<<"$out")" >&2; fi
  echo "$(awk '/requests in/ {print $1}' <<<"$out") $(awk '/Requests\/sec/ {print $2}' <<<"$out") $(to_ms "$(awk '$1=="50%" {print $2}' <<<"$out")") $(to_ms "$(awk '$1=="99%" {print $2}' <<<"$out")")"
}

start_trackerd() {
  local data="$work/data-$1"; rm -rf "$data"
  taskset -c 0 build-release/trackerd --listen 127.0.0.1:0 --data "$data" --threads 1 \
    --admin-token "$admin" 2>"$work/trackerd.log" &
  tpid=$!
  for _ in $(seq 1 200); do grep -q '"listen"' "$work/trackerd.log" 2>/dev/null && break; sleep 0.05; done
  taddr="$(grep -o '"listen":"[^"]*"' "$work/trackerd.log" | head -1 | cut -d'"' -f4)"
  local api="http://$taddr/api/v1" auth="Authorization: Bearer $admin"
  curl -sf -X PUT "$api/programs/bench" -H "$auth" -d "{\"name\":\"Bench\",\"currency\":\"USD\",\"postback_secret\":\"$secret\",\"allowed_hosts\":[\"shop.example.com\"],\"commission\":{\"first_sale\":{\"percent\":\"20\"}}}" >/dev/null
  curl -sf -X PUT "$api/programs/bench/partners/p1" -H "$auth" -d '{"name":"Bench partner"}' >/dev/null
  curl -sf -X POST "$api/programs/bench/links" -H "$auth" -d "{\"partner_id\":\"p1\",\"code\":\"bench1\",\"destination\":\"$destination\"}" >/dev/null
}

stop_trackerd() { kill -TERM "$tpid"; wait "$tpid" || true; }

stored_clicks() {
  curl -sf "http://$taddr/api/v1/programs/bench/partners/p1/stats" -H "Authorization: Bearer $admin" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["clicks"])'
}

start_nginx() {
  local port; port="$(free_port)"
  mkdir -p "$work/nginx/logs"
  cat >"$work/nginx/nginx.conf" <<CONF
user root;
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 4096; }
http {
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  access_log $work/nginx/logs/access.log combined buffer=64k;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$port;
    location /go/ { add_header Cache-Control no-store; return 302 "$destination&click_id=01KAT9QKX1B0000000000000AB"; }
    location = /px.gif { empty_gif; }
  }
}
CONF
  taskset -c 0 nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
  npid=$!
  naddr="127.0.0.1:$port"
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://$naddr/px.gif" && break; sleep 0.05; done
}

stop_nginx() { kill -QUIT "$npid" 2>/dev/null; wait "$npid" 2>/dev/null || true; }

median() { sort -g | awk '{v[NR]=$1} END {if (NR==0) print "n/a"; else if (NR%2) print v[(NR+1)/2]; else printf "%.3f\n", (v[NR/2]+v[NR/2+1])/2}'; }

lost_total=0
: >"$work/results"
for scenario in redirect pixel; do
  for round in $(seq 1 "$rounds"); do
    # trackerd
    start_trackerd "$scenario-$round"
    if [ "$scenario" = redirect ]; then url="http://$taddr/go/bench1"; script=""; else url="http://$taddr/"; script="bench/load/pixel.lua"; fi
    before="$(cpu_of "$tpid")"
    read -r requests rps p50 p99 < <(run_wrk "$url" "$script")
    after="$(cpu_of "$tpid")"
    rss="$(awk '/VmHWM/ {print $2}' "/proc/$tpid/status")"
    cpu_us="$(awk -v a="$before" -v b="$after" -v n="$requests" -v t="$ticks" 'BEGIN {printf "%.1f", (b-a)/t*1e6/n}')"
    extra=""
    if [ "$scenario" = redirect ]; then
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
    if [ "$scenario" = redirect ]; then url="http://$naddr/go/bench1"; else url="http://$naddr/px.gif"; fi
    pids="$npid $(pgrep -P "$npid" | tr '\n' ' ')"
    before="$(cpu_of $pids)"
    read -r requests rps p50 p99 < <(run_wrk "$url" "")
    after="$(cpu_of $pids)"
    stop_nginx
    cpu_us="$(awk -v a="$before" -v b="$after" -v n="$requests" -v t="$ticks" 'BEGIN {printf "%.1f", (b-a)/t*1e6/n}')"
    echo "$scenario nginx    round $round: $rps req/s, p50 ${p50} ms, p99 ${p99} ms, ${cpu_us} us CPU/req"
    echo "$scenario nginx $rps $p50 $p99 $cpu_us 0" >>"$work/results"
  done
done

echo
for scenario in redirect pixel; do
  for server in trackerd nginx; do
    sel() { awk -v s="$scenario" -v v="$server" -v c="$1" '$1==s && $2==v {print $c}' "$work/results" | median; }
    line="$scenario $server: median $(sel 3) req/s, p50 $(sel 4) ms, p99 $(sel 5) ms, $(sel 6) us CPU/req"
    [ "$server" = trackerd ] && line="$line, peak RSS $(( $(sel 7 | cut -d. -f1) / 1024 )) MiB"
    echo "$line"
  done
  t="$(awk -v s="$scenario" '$1==s && $2=="trackerd" {print $3}' "$work/results" | median)"
  n="$(awk -v s="$scenario" '$1==s && $2=="nginx" {print $3}' "$work/results" | median)"
  echo "$scenario ratio trackerd/nginx: $(awk -v t="$t" -v n="$n" 'BEGIN {printf "%.2f", t/n}')"
done

echo
bench/load/postback.sh "$rounds" "$seconds" | tail -1 | sed 's/^/postback /'
echo "lost clicks: $lost_total"
[ "$lost_total" -eq 0 ]
