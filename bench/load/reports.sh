#!/usr/bin/env bash
# Reports on a full store (issue 13): a year of history imported through POST …/import (one
# partner with 1,000,000 clicks and 100,000 orders, 999 partners with a little each), then the
# median latency of a year of stats, the segments of 1,000 partners, and 12 months of cohorts,
# each asked `runs` times over one kept-alive connection.
#
#   bench/load/reports.sh [clicks=1000000] [orders=100000] [partners=1000] [runs=21]
#
# Prints the import's lines per second, CPU time per line and trackerd's peak memory, each
# report's median and p90 in milliseconds, then the time of one ledger.csv of the year and of
# one payout of every partner. Needs about 1 GiB in $TMPDIR.
set -euo pipefail
cd "$(dirname "$0")/../.."
clicks="${1:-1000000}"
orders="${2:-100000}"
partners="${3:-1000}"
runs="${4:-21}"
rounds=1
seconds=1

source bench/load/lib.sh
build_release trackerd

source bench/load/report_store.sh
build_report_store "$clicks" "$orders" "$partners"

year_from="$(date -u -d '365 days ago' +%F)"
today="$(date -u +%F)"
python3 - "$taddr" "$admin" "$runs" "$year_from" "$today" <<'PY'
import http.client, statistics, sys, time
address, token, runs, year_from, today = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
host, port = address.rsplit(":", 1)
connection = http.client.HTTPConnection(host, int(port))
base = "/api/v1/programs/bench"
reports = [
    ("stats, one partner, a year", f"{base}/partners/p0001/stats?from={year_from}&to={today}"),
    ("segments, 1000 partners", f"{base}/segments"),
    ("cohorts, one partner, 12 months", f"{base}/partners/p0001/cohorts"),
    ("kpis, a year", f"{base}/kpis?from={year_from}&to={today}"),
]
for name, target in reports:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        connection.request("GET", target, headers={"Authorization": f"Bearer {token}"})
        response = connection.getresponse()
        body = response.read()
        times.append((time.perf_counter() - began) * 1000)
        assert response.status == 200, body
    times.sort()
    print(f"{name}: median {statistics.median(times):.2f} ms, p90 {times[int(len(times) * 0.9)]:.2f} ms "
          f"({len(body)} bytes)")
PY
timed() { local start end; start="$(date +%s.%N)"; "$@"; end="$(date +%s.%N)"; awk -v a="$start" -v b="$end" 'BEGIN {printf "%.0f ms", (b-a)*1000}'; }
rows="$(curl -sf "$api/ledger.csv?from=$year_from&to=$today" -H "$auth" | wc -l)"
echo "ledger.csv, a year: $(timed curl -sf -o /dev/null "$api/ledger.csv?from=$year_from&to=$today" -H "$auth") for $((rows - 1)) entries"
echo "payout of every partner: $(timed curl -sf -o "$work/payouts.json" -X POST "$api/payouts" -H "$auth") for $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["payouts"]))' "$work/payouts.json") payouts"
stop_trackerd
