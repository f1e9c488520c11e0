# Shared by the load scripts (sourced, not run): a work directory, a Release trackerd with
# the bench program, an nginx twin, wrk runs pinned to core 1, CPU time and medians.
# Expects: rounds, seconds set by the caller; leaves tpid/taddr and npid/naddr set.
agent="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"
admin="bench-admin-token-0123456789"
secret="bench-postback-secret"
destination="https://shop.example.com/landing?utm_source=partner"

work="$(mktemp -d)"
trap 'pkill -f "nginx -p $work" 2>/dev/null || true; rm -rf "$work"' EXIT
ticks="$(getconf CLK_TCK)"

# build_release TARGET…: wrk and nginx installed if missing (deploy/setup.sh), then the targets
# built in build-release/ (Release, benchmarks on, tests off).
build_release() {
  command -v wrk >/dev/null && command -v nginx >/dev/null || deploy/setup.sh build >/dev/null
  cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DCLICKTRACK_BUILD_TESTS=OFF \
    -DCLICKTRACK_BUILD_BENCH=ON >/dev/null
  cmake --build build-release --target "$@" >/dev/null
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_of() { local total=0; for p in "$@"; do total=$((total + $(awk '{print $14+$15}' "/proc/$p/stat"))); done; echo "$total"; }
# cpu_per_request BEFORE AFTER REQUESTS [DECIMALS=1]: microseconds of CPU per request between
# two cpu_of readings.
cpu_per_request() {
  awk -v a="$1" -v b="$2" -v n="$3" -v t="$ticks" -v d="${4:-1}" 'BEGIN {printf "%.*f", d, (b-a)/t*1e6/n}'
}
to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) printf "%.3f", v/1000; else if (v ~ /ms$/) printf "%.3f", v+0; else printf "%.3f", v*1000 }'; }

# Runs wrk against $1 (URL) with script $2 (or "") and prints "requests rps p50ms p99ms".
# Scripts read their settings from the environment: orders.lua MODE/PROGRAM/TOKEN (set here),
# returning.lua COOKIES (set by the caller). CLOSE=1 sends `Connection: close`: a new
# connection per request, as a visitor's first click.
run_wrk() {
  local url="$1" script="$2" out options=(-t1 -c64 -d"${seconds}s" --latency -H "User-Agent: $agent")
  [ -n "${CLOSE:-}" ] && options+=(-H "Connection: close")
  if [ -n "$script" ]; then
    out="$(MODE="${MODE:-pixel}" PROGRAM=bench TOKEN=$secret taskset -c 1 wrk "${options[@]}" -s "$script" "$url" 2>&1)"
  else
    out="$(taskset -c 1 wrk "${options[@]}" "$url" 2>&1)"
  fi
  echo "$out" >"$work/wrk.out"
  if grep -q "Non-2xx or 3xx" <<<"$out"; then echo "wrk saw errors: $(grep 'Non-2xx' <<<"$out")" >&2; fi
  echo "$(awk '/requests in/ {print $1}' <<<"$out") $(awk '/Requests\/sec/ {print $2}' <<<"$out") $(to_ms "$(awk '$1=="50%" {print $2}' <<<"$out")") $(to_ms "$(awk '$1=="99%" {print $2}' <<<"$out")")"
}

# measure_trackerd URL [SCRIPT]: run_wrk against the trackerd started last, reading its CPU
# time around the run; sets requests, rps, p50, p99 and cpu_us (microseconds per request).
measure_trackerd() {
  local before after
  before="$(cpu_of "$tpid")"
  read -r requests rps p50 p99 < <(run_wrk "$1" "${2:-}")
  after="$(cpu_of "$tpid")"
  cpu_us="$(cpu_per_request "$before" "$after" "$requests")"
}

# start_trackerd NAME [DATA_DIR]: a fresh data directory, or DATA_DIR as it is. TRACKERD names
# the binary (default build-release/trackerd); TRACKERD_FLAGS adds flags (split at spaces).
start_trackerd() {
  local data="${2:-$work/data-$1}"
  [ -n "${2:-}" ] || rm -rf "$data"
  # shellcheck disable=SC2086  # one flag per word
  taskset -c 0 "${TRACKERD:-build-release/trackerd}" --listen 127.0.0.1:0 --data "$data" --threads 1 \
    --admin-token "$admin" ${TRACKERD_FLAGS:-} 2>"$work/trackerd.log" &
  tpid=$!
  for _ in $(seq 1 200); do grep -q '"listen"' "$work/trackerd.log" 2>/dev/null && break; sleep 0.05; done
  taddr="$(grep -o '"listen":"[^"]*"' "$work/trackerd.log" | head -1 | cut -d'"' -f4)"
  local api="http://$taddr/api/v1" auth="Authorization: Bearer $admin"
  curl -sf -X PUT "$api/programs/bench" -H "$auth" -d "{\"name\":\"Bench\",\"currency\":\"USD\",\"postback_secret\":\"$secret\",\"allowed_hosts\":[\"shop.example.com\"],\"commission\":{\"first_sale\":{\"percent\":\"20\"}}}" >/dev/null
  curl -sf -X PUT "$api/programs/bench/partners/p1" -H "$auth" -d '{"name":"Bench partner"}' >/dev/null
  curl -s -o /dev/null -X POST "$api/programs/bench/links" -H "$auth" -d "{\"partner_id\":\"p1\",\"code\":\"bench1\",\"destination\":\"$destination\"}"
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

