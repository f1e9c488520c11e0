#!/usr/bin/env bash
# Durable conversions against a durable baseline, side by side in one run: trackerd's pixel and
# postback against PostgreSQL inserting the same conversion row, each answer given only once
# its write is on disk.
#
#   bench/load/durable.sh [rounds=3] [seconds=10]
#   MODES="postback repeat" bench/load/durable.sh …   only those (an A/B, TRACKERD=other binary)
#
# Each round, in turn, on a fresh server:
#   postgres      PostgreSQL 15 (synchronous_commit=on, fsync=on), pgbench -c 64 -j 1
#                 -M prepared running one `INSERT … ON CONFLICT DO NOTHING` of a conversion row
#                 with a unique order id: what a tracker built on SQL pays for the insert alone.
#   pixel         GET /px.gif, a unique order per hit, no identity: a new customer.
#   postback      GET /postback, likewise a new customer.
#   repeat        GET /postback of 5,000 customers who each bought once and belong to a partner
#                 (seeded through the import route): every one a repeat sale that resolves its
#                 customer and pays the owner a lifetime commission.
#   first         GET /postback of customers who each clicked a partner's link an hour ago
#                 (FIRST_CUSTOMERS of them, seeded as imported clicks): every one a first sale,
#                 attributed to that click, that makes the partner the owner and pays it.
# The server runs on core 0 (trackerd --threads 1; PostgreSQL's processes), the load on core 1,
# 64 connections. Prints each round, then medians of requests/s and the server's CPU time per
# request, and medians of ratios taken within each round (the machine's speed drifts between
# minutes): requests/s to PostgreSQL's inserts/s, repeat sales' CPU to a new customer's.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-3}"
seconds="${2:-10}"
source bench/load/lib.sh
build_release trackerd
pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$pgbin/postgres" ] || { echo "durable.sh: PostgreSQL is missing; run deploy/setup.sh" >&2; exit 1; }

# PostgreSQL refuses to run as root: its files belong to the postgres user then.
pgdir="$(mktemp -d)"
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres "$pgdir"
trap 'as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$pgdir" "$work"' EXIT
as_pg "$pgbin/initdb" -D "$pgdir/data" -U bench --auth=trust >/dev/null
as_pg taskset -c 0 "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w -o \
  "-c listen_addresses='' -c unix_socket_directories=$pgdir -c synchronous_commit=on -c fsync=on -c shared_buffers=256MB -c max_connections=100" \
  start >/dev/null
postmaster="$(head -1 "$pgdir/data/postmaster.pid")"
psql_bench() { as_pg psql -q -h "$pgdir" -U bench -d postgres "$@"; }
psql_bench -c "CREATE TABLE conversions (program text NOT NULL, order_id text NOT NULL,
  amount_cents bigint NOT NULL, currency text NOT NULL, created_at timestamptz NOT NULL,
  PRIMARY KEY (program, order_id))"
cat >"$pgdir/insert.sql" <<'SQL'
\set n random(1, 1000000000000)
INSERT INTO conversions VALUES ('bench', 'o-' || :client_id || '-' || :n, 1990, 'USD', now()) ON CONFLICT DO NOTHING;
SQL
chmod a+r "$pgdir/insert.sql"
# All the server's CPU: the postmaster, its live children, and the children it has reaped.
pg_cpu() {
  local total
  total="$(awk '{print $14+$15+$16+$17}' "/proc/$postmaster/stat")"
  for child in $(pgrep -P "$postmaster"); do
    total=$((total + $(awk '{print $14+$15}' "/proc/$child/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

# measure_postgres: prints "rps cpu_us". The CPU is taken over the run's middle (from 1 s in to
# 1 s before its end), per row inserted meanwhile: the 64 backends' start and exit stay out.
measure_postgres() {
  psql_bench -c "TRUNCATE conversions"
  local cpu1 cpu2 rows1 rows2
  as_pg taskset -c 1 pgbench -h "$pgdir" -U bench -n -c 64 -j 1 -M prepared -T "$seconds" \
    -f "$pgdir/insert.sql" postgres >"$pgdir/pgbench.out" 2>&1 &
  local bench=$!
  sleep 1
  rows1="$(psql_bench -Atc "SELECT count(*) FROM conversions")"
  cpu1="$(pg_cpu)"
  sleep $((seconds - 2))
  rows2="$(psql_bench -Atc "SELECT count(*) FROM conversions")"
  cpu2="$(pg_cpu)"
  wait "$bench"
  echo "$(awk '/^tps/ {print $3}' "$pgdir/pgbench.out") $(cpu_per_request "$cpu1" "$cpu2" $((rows2 - rows1)))"
}

# seed_repeat_customers: customers c0…c4999, each with one earlier sale and owned by p1.
seed_repeat_customers() {
  local api="http://$taddr/api/v1/programs/bench" auth="Authorization: Bearer $admin"
  curl -sf -X PATCH "$api" -H "$auth" -d '{"commission":{"repeat_sale":{"percent":"10"}}}' >/dev/null
  python3 - "$work/seed.ndjson" <<'PY'
import json, sys
with open(sys.argv[1], "w") as out:
    for n in range(5000):
        out.write(json.dumps({"record": "owner", "customer": f"c{n}", "partner_id": "p1",
                              "since": "2026-01-01T00:00:00Z"}) + "\n")
        out.write(json.dumps({"record": "conversion", "at": "2026-01-02T00:00:00Z",
                              "order_id": f"seed-{n}", "amount": "10.00", "currency": "USD",
                              "customer": f"c{n}"}) + "\n")
PY
  curl -sf -X POST "$api/import" -H "$auth" --data-binary "@$work/seed.ndjson" |
    grep -q '"rejected_count":0' || { echo "durable.sh: seeding failed" >&2; exit 1; }
}

# seed_first_customers: customers f1…f$FIRST_CUSTOMERS, each with one click of p1's link an hour
# ago and no sale.
seed_first_customers() {
  local api="http://$taddr/api/v1/programs/bench" auth="Authorization: Bearer $admin"
  python3 - "$work/first.ndjson" "${FIRST_CUSTOMERS:-400000}" <<'PY'
import datetime, json, sys
at = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
with open(sys.argv[1], "w") as out:
    for n in range(1, int(sys.argv[2]) + 1):
        out.write(json.dumps({"record": "click", "at": at, "link": "bench1", "customer": f"f{n}"}) + "\n")
PY
  curl -sf -X POST "$api/import" -H "$auth" --data-binary "@$work/first.ndjson" |
    grep -q '"rejected_count":0' || { echo "durable.sh: seeding first customers failed" >&2; exit 1; }
}

# measure_trackerd MODE: pixel, postback (new customers), repeat or first; prints "rps cpu_us".
measure_trackerd() {
  local mode="$1" before after requests rps p50 p99
  start_trackerd "$mode"
  [ "$mode" = repeat ] && seed_repeat_customers
  [ "$mode" = first ] && seed_first_customers
  case "$mode" in
    pixel) export MODE=pixel ;; postback) export MODE=postback-new ;;
    repeat) export MODE=postback ;; first) export MODE=postback-first ;;
  esac
  before="$(cpu_of "$tpid")"
  read -r requests rps p50 p99 < <(run_wrk "http://$taddr/" bench/load/orders.lua)
  after="$(cpu_of "$tpid")"
  unset MODE
  stop_trackerd
  echo "$rps $(cpu_per_request "$before" "$after" "$requests")"
}

: >"$work/results"
for round in $(seq 1 "$rounds"); do
  for what in ${MODES:-postgres pixel postback repeat first}; do
    if [ "$what" = postgres ]; then read -r rps cpu < <(measure_postgres); else read -r rps cpu < <(measure_trackerd "$what"); fi
    echo "round $round $what: $rps/s, $cpu us CPU each"
    echo "$what $rps $cpu" >>"$work/results"
  done
done

echo
sel() { awk -v w="$1" -v c="$2" '$1==w {print $c}' "$work/results" | median; }
# per_round A B COLUMN: the median over rounds of A's figure divided by B's in the same round.
per_round() {
  awk -v a="$1" -v b="$2" -v c="$3" '$1==a {x[++i]=$c} $1==b {y[++j]=$c}
    END {for (k = 1; k <= i && k <= j; k++) printf "%.3f\n", x[k] / y[k]}' "$work/results" | median
}
modes="${MODES:-postgres pixel postback repeat first}"
for what in $modes; do
  line="$what: median $(sel "$what" 2)/s, $(sel "$what" 3) us CPU each"
  if [ "$what" != postgres ] && [[ " $modes " == *" postgres "* ]]; then
    line="$line, $(per_round "$what" postgres 2)x PostgreSQL's inserts/s"
  fi
  echo "$line"
done
if [[ " $modes " == *" repeat "* && " $modes " == *" postback "* ]]; then
  echo "repeat sale CPU / new customer's (postback): $(per_round repeat postback 3)"
fi
if [[ " $modes " == *" repeat "* && " $modes " == *" first "* ]]; then
  echo "repeat sale CPU / a first sale's (first): $(per_round repeat first 3)"
fi
