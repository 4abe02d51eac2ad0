# bench section "catchup", sourced by bench/run.sh (see its header for the helpers it provides).
# A log-based catch-up job over the change workload: `sluice sync` (Singer to /dev/null) from a
# state whose bookmark sits at the start of ${logs[0]} (as if a first job's snapshot had ended
# there), reading every change up to the server's end, next to `mariadb-binlog
# --read-from-remote-server --raw` fetching the same logs (BENCHMARKS.md's target: >= 0.9x).
printf '{"host":"127.0.0.1","port":%s,"user":"sluice","password":"sluicepw","filter_dbs":"bench","server_id":779}' \
  "$SLUICE_BENCH_PORT" >"$work/catchup-config.json"
bench_catalog "$work/catchup-config.json" LOG_BASED >"$work/catchup-catalog.json"
# The bookmark a sluice job writes (with the table's columns, sluice_columns), not a tap-style
# file/pos one: from a bookmark without them the first job reads the range's DDL (SHOW BINLOG
# EVENTS) to know the schema there (docs/schema-changes.md), a one-time cost this bench is not about.
printf '{"currently_syncing":null,"bookmarks":{"bench-t":{"version":1,"log_file":"%s","log_pos":4}}}' "${logs[0]}" \
  >"$work/catchup-tap-state.json"
"$sluice" sync --quiet --config "$work/catchup-config.json" --catalog "$work/catchup-catalog.json" \
  --state "$work/catchup-tap-state.json" | grep '^{"type":"STATE"' | tail -1 |
  /usr/bin/python3 -c 'import json, sys
end = json.load(sys.stdin)["value"]["bookmarks"]["bench-t"]
state = json.load(open(sys.argv[1]))
state["bookmarks"]["bench-t"].update({k: v for k, v in end.items() if k.startswith("sluice_")})
json.dump(state, sys.stdout)' "$work/catchup-tap-state.json" >"$work/catchup-state.json"
# Rows the job delivers: the RECORDs of one run (the changes of bench.t in the range).
crows=$("$sluice" sync --quiet --config "$work/catchup-config.json" --catalog "$work/catchup-catalog.json" \
  --state "$work/catchup-state.json" | grep -c '^{"type":"RECORD"' || echo 0)
[ "$crows" -gt 0 ] || crows=$changes
echo "bench: catch-up delivers $crows RECORDs" >&2
for _ in $(seq "$runs"); do
  rm -rf "$work/raw"; mkdir -p "$work/raw"
  measure mariadb-binlog-raw-c mariadb-binlog --read-from-remote-server --raw --host=127.0.0.1 \
    --port="$SLUICE_BENCH_PORT" --user=root --password=rootpw --result-file="$work/raw/" --to-last-log "${logs[0]}"
  measure sluice-catchup "$sluice" sync --quiet --config "$work/catchup-config.json" \
    --catalog "$work/catchup-catalog.json" --state "$work/catchup-state.json"
done
row "log-based catch-up (sync, Singer to /dev/null) vs binlog fetch" mariadb-binlog-raw-c sluice-catchup "$crows"
