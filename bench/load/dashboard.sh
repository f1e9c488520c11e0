#!/usr/bin/env bash
# The dashboard's screens on a program with 1,000 partners and a year of history (issue 15's
# bar: every screen under 200 ms): builds the store of reports.sh, then times each screen in
# headless Chromium and each API call it makes (bench/load/dashboard_screens.py).
#
#   bench/load/dashboard.sh [clicks=1000000] [orders=100000] [partners=1000] [runs=11]
#
# p0001 is the partner with the clicks and orders; the partner screen is timed on it.
set -euo pipefail
cd "$(dirname "$0")/../.."
clicks="${1:-1000000}"
orders="${2:-100000}"
partners="${3:-1000}"
runs="${4:-11}"

source bench/load/lib.sh
build_release trackerd
source bench/load/report_store.sh
build_report_store "$clicks" "$orders" "$partners"

echo "--- before any payout (a year of unpaid entries)"
/usr/bin/python3 bench/load/dashboard_screens.py "$taddr" "$admin" p0001 "$runs"
curl -sf -o /dev/null -X POST "$api/payouts" -H "$auth"
echo "--- after a payout of every partner"
/usr/bin/python3 bench/load/dashboard_screens.py "$taddr" "$admin" p0001 "$runs"
stop_trackerd
