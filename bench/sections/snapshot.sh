# bench section "snapshot", sourced by bench/run.sh (see its header for the helpers it provides).
total=$("${M[@]}" -N -e "SELECT COUNT(*) FROM bench.t")
# A Full Table job of bench.t, Singer messages to /dev/null (what the Singer tap does at ~21k rows/s).
printf '{"host":"127.0.0.1","port":%s,"user":"sluice","password":"sluicepw","filter_dbs":"bench","server_id":778}' \
  "$SLUICE_BENCH_PORT" >"$work/snap-config.json"
"$sluice" discover --select-all --config "$work/snap-config.json" |
  /usr/bin/python3 -c 'import json,sys
c=json.load(sys.stdin)
for s in c["streams"]:
  for m in s["metadata"]:
      if not m["breadcrumb"]: m["metadata"]["replication-method"]="FULL_TABLE"
json.dump(c,sys.stdout)' >"$work/snap-catalog.json"
for _ in $(seq "$runs"); do
  measure mariadb-quick "${M[@]}" --quick -e "SELECT * FROM bench.t"
  rm -rf "$work/dump"
  measure mydumper-t1 mydumper -h 127.0.0.1 -P "$SLUICE_BENCH_PORT" -u root -p rootpw -B bench -T t -t 1 \
    --trx-consistency-only -r 100000 -o "$work/dump"
  measure sluice-sync "$sluice" sync --quiet --config "$work/snap-config.json" --catalog "$work/snap-catalog.json"
done
row "full table (Singer to /dev/null) vs mydumper -t 1" mydumper-t1 sluice-sync "$total"
row "full table (Singer to /dev/null) vs mariadb --quick" mariadb-quick sluice-sync "$total"
