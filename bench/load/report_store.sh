# Sourced after lib.sh: build_report_store CLICKS ORDERS PARTNERS starts trackerd ("reports")
# and imports a year of history into program "bench" through POST …/import (one partner, p0001,
# with CLICKS clicks and ORDERS orders; the others with a little each), prints the import's
# lines per second, CPU per line and trackerd's peak memory, and returns once RocksDB's
# background work has settled. Sets $api and $auth for the caller.
build_report_store() {
  local clicks="$1" orders="$2" partners="$3"
  local history="$work/history.ndjson" lines before start end after cpu settle_start
  echo "writing $history…" >&2
  bench/load/report_history.py "$history" "$clicks" "$orders" "$partners" >"$work/partners"
  lines="$(wc -l <"$history")"

  start_trackerd reports
  api="http://$taddr/api/v1/programs/bench"
  auth="Authorization: Bearer $admin"
  while read -r id joined; do
    curl -sf -X PUT "$api/partners/$id" -H "$auth" -d "{\"name\":\"$id\",\"joined_at\":\"$joined\"}" >/dev/null
    curl -sf -o /dev/null -X POST "$api/links" -H "$auth" \
      -d "{\"partner_id\":\"$id\",\"code\":\"l${id#p}\",\"destination\":\"$destination\"}"
  done <"$work/partners"

  echo "importing $lines lines ($(du -h "$history" | cut -f1))…" >&2
  before="$(cpu_of "$tpid")"
  start="$(date +%s.%N)"
  curl -sf -X POST "$api/import" -H "$auth" --data-binary "@$history" -o "$work/import.json"
  end="$(date +%s.%N)"
  after="$(cpu_of "$tpid")"
  python3 - "$work/import.json" "$lines" "$start" "$end" "$before" "$after" "$ticks" <<'PY'
import json, sys
answer = json.load(open(sys.argv[1]))
lines, start, end = int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
cpu = (int(sys.argv[6]) - int(sys.argv[5])) / int(sys.argv[7])
print(f"import: {lines} lines in {end - start:.1f} s = {lines / (end - start):.0f} lines/s, "
      f"{cpu / lines * 1e6:.1f} us CPU/line; accepted {answer['accepted']}, "
      f"rejected {answer['rejected_count']}")
PY
  echo "trackerd's peak resident memory: $(awk '/VmHWM/ {printf "%d MB", $2/1024}' "/proc/$tpid/status")"

  # RocksDB compacts the imported data in the background (SCHED_IDLE): measure once trackerd
  # has used under 3 % of a core for 3 s (an idle trackerd uses about 1 %), the store's steady
  # state.
  settle_start="$(date +%s)"
  while :; do
    cpu="$(cpu_of "$tpid")"; sleep 3
    [ $(( $(cpu_of "$tpid") - cpu )) -lt $(( ticks * 9 / 100 )) ] && break
  done
  echo "background work settled after $(( $(date +%s) - settle_start )) s"
}
