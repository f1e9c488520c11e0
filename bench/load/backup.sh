#!/usr/bin/env bash
# What an online backup costs the redirect: fills a store with redirects, then runs rounds of
# redirects under load with and without a backup (POST /api/v1/admin/backups) taken in the
# middle of the round, and prints each round's req/s, p99 and max latency, and the backups'
# sizes and times (the first is full, the later ones incremental).
#
#   bench/load/backup.sh [fill_seconds=20] [rounds=3] [seconds=10]
set -euo pipefail
cd "$(dirname "$0")/../.."
fill="${1:-20}"
rounds="${2:-3}"
seconds="${3:-10}"
source bench/load/lib.sh
build_release trackerd
backups="$work/backups"
TRACKERD_FLAGS="--backup-dir $backups" start_trackerd backup
seconds_saved="$seconds"; seconds="$fill"
run_wrk "http://$taddr/go/bench1" "" >/dev/null
seconds="$seconds_saved"
echo "filled: $(stored_clicks) clicks"
backup() { curl -sf -X POST "http://$taddr/api/v1/admin/backups" -H "Authorization: Bearer $admin"; }
for round in $(seq 1 "$rounds"); do
  for mode in plain backup; do
    if [ "$mode" = backup ]; then
      (sleep "$((seconds / 2))"; s=$(date +%s.%N); b="$(backup)"; e=$(date +%s.%N)
       echo "  backup: $b in $(awk -v s="$s" -v e="$e" 'BEGIN {printf "%.2f", e-s}') s" >"$work/backup.out") &
      bpid=$!
    fi
    read -r requests rps p50 p99 < <(run_wrk "http://$taddr/go/bench1" "")
    max="$(awk '/Latency/ {print $4; exit}' "$work/wrk.out")"
    [ "$mode" = backup ] && wait "$bpid"
    echo "round $round $mode: $rps req/s, p99 $p99 ms, max $max"
    if [ "$mode" = backup ]; then cat "$work/backup.out"; fi
  done
done
echo "backup directory: $(du -sh "$backups" | cut -f1), data directory: $(du -sh "$work/data-backup" | cut -f1)"
stop_trackerd
