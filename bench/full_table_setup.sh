# Sourced by bench sections that run a Full Table job of bench.t (snapshot, sinks): writes
# $work/snap-config.json (the bench server, database bench) and $work/snap-catalog.json (every
# table selected, FULL_TABLE), and sets $total to the row count of bench.t. A scan of every row
# first brings the whole table into the buffer pool, so every tool's timed runs read from memory.
"${M[@]}" -N -e "SELECT SUM(LENGTH(body)) FROM bench.t" >/dev/null
total=$("${M[@]}" -N -e "SELECT COUNT(*) FROM bench.t")
printf '{"host":"127.0.0.1","port":%s,"user":"sluice","password":"sluicepw","filter_dbs":"bench","server_id":778}' \
  "$SLUICE_BENCH_PORT" >"$work/snap-config.json"
bench_catalog "$work/snap-config.json" FULL_TABLE >"$work/snap-catalog.json"
