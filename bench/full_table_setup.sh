# Sourced by bench sections that run a Full Table job of bench.t (snapshot, sinks): writes
# $work/snap-config.json (the bench server, database bench) and $work/snap-catalog.json (every
# table selected, FULL_TABLE), and sets $total to the row count of bench.t.
total=$("${M[@]}" -N -e "SELECT COUNT(*) FROM bench.t")
printf '{"host":"127.0.0.1","port":%s,"user":"sluice","password":"sluicepw","filter_dbs":"bench","server_id":778}' \
  "$SLUICE_BENCH_PORT" >"$work/snap-config.json"
"$sluice" discover --select-all --config "$work/snap-config.json" |
  /usr/bin/python3 -c 'import json,sys
c=json.load(sys.stdin)
for s in c["streams"]:
  for m in s["metadata"]:
      if not m["breadcrumb"]: m["metadata"]["replication-method"]="FULL_TABLE"
json.dump(c,sys.stdout)' >"$work/snap-catalog.json"
