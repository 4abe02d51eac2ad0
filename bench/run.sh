#!/usr/bin/env bash
# sluice's benchmarks: sluice and its peers side by side, in one run, on the same data (BENCHMARKS.md).
# Reports medians of alternating runs (A B A B ...), rows/s, ratios and peak RSS as a markdown table.
#
#   bench/run.sh [--quick] [--rows N] [--changes N] [--runs K] [--only decode,fetch,snapshot,memory]
#
# memory: one transaction of ~1 GB (MariaDB BLACKHOLE table, 260k rows of 4 KB, in one
# INSERT ... SELECT) decoded by `sluice binlog read`; its peak RSS must stay <= 64 MB.
# SLUICE_BUILD_DIR picks the build directory (default build/release, the release preset).
#
# The bench server relaxes durability (innodb_flush_log_at_trx_commit=2, sync_binlog=0) so the
# numbers measure CPU and protocol cost, not this machine's fsync latency.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
rows=1000000 changes=1000000 runs=3 only=decode,fetch,snapshot,memory
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) rows=100000 changes=100000 runs=3 ;;
    --rows) rows=$2; shift ;;
    --changes) changes=$2; shift ;;
    --runs) runs=$2; shift ;;
    --only) only=$2; shift ;;
    *) echo "bench: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
want() { [[ ",$only," == *",$1,"* ]]; }

scripts/install-deps.sh
build=${SLUICE_BUILD_DIR:-build/release}
if [ "$build" = build/release ]; then
  # Warnings are the dev build's business; GCC 12 -O3 false positives (-Wrestrict) must not stop a bench.
  cmake --preset release -DSLUICE_WERROR=OFF >/dev/null
else
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
jobs=$(nproc); [ "$jobs" -gt 2 ] && jobs=2  # a shared machine: never more than 2
cmake --build "$build" -j "$jobs" --target sluice | tail -1
sluice=$top/$build/src/cli/sluice
work=${SLUICE_BENCH_DIR:-/tmp/sluice-bench}
export SLUICE_TEST_ROOT=$work/servers
mkdir -p "$work"
trap 'scripts/testserver.sh stop-all >/dev/null 2>&1 || true' EXIT

eval "$(scripts/testserver.sh start mariadb bench -- --max-binlog-size=256M --innodb-buffer-pool-size=1G)"
M=(mariadb --no-defaults -h127.0.0.1 -P"$SLUICE_BENCH_PORT" -uroot -prootpw)
echo "bench: loading $rows rows, then $changes row changes" >&2
/usr/bin/python3 bench/workload.py schema | "${M[@]}"
/usr/bin/python3 bench/workload.py load "$rows" | "${M[@]}"
"${M[@]}" -e "FLUSH BINARY LOGS"
first_log=$("${M[@]}" -N -e "SHOW BINARY LOGS" | tail -1 | cut -f1)
/usr/bin/python3 bench/workload.py changes "$changes" 7 "$rows" | "${M[@]}"
"${M[@]}" -e "FLUSH BINARY LOGS"
datadir=$SLUICE_BENCH_DIR/data
mapfile -t logs < <("${M[@]}" -N -e "SHOW BINARY LOGS" | cut -f1 | sed -n "/^$first_log\$/,\$p" | sed '$d')
files=(); for l in "${logs[@]}"; do files+=("$datadir/$l"); done
bytes=$(du -cb "${files[@]}" | tail -1 | cut -f1)
echo "bench: binlog ${logs[*]} ($((bytes / 1048576)) MiB)" >&2

# measure NAME CMD...: one timed run; appends "elapsed maxrss_kb" to $work/NAME.times
measure() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time.out" "$@" >/dev/null 2>"$work/$name.err" || {
    echo "bench: $name failed: $(tail -2 "$work/$name.err")" >&2; echo "fail 0" >>"$work/$name.times"; return 0; }
  cat "$work/time.out" >>"$work/$name.times"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR ? a[int((NR+1)/2)] : "nan")}'; }
stat() {  # NAME -> "median_seconds max_rss_mb"
  local s r
  s=$(cut -d' ' -f1 "$work/$1.times" | grep -v fail | median)
  r=$(cut -d' ' -f2 "$work/$1.times" | sort -n | tail -1)
  echo "$s $((r / 1024))"
}
results=()
row() {  # label peer sluice rows
  local p s pr sr; read -r p pr < <(stat "$2"); read -r s sr < <(stat "$3")
  results+=("$(awk -v l="$1" -v p="$p" -v s="$s" -v n="$4" -v pr="$pr" -v sr="$sr" -v pn="$2" 'BEGIN {
    if (s == "nan" || s <= 0 || p <= 0) { printf "| %s | %s | %.0f rows/s | n/a | n/a | %s MB | n/a |", l, pn, n/p, pr; exit }
    printf "| %s | %s | %.0f rows/s | %.0f rows/s | %.2fx | %s MB | %s MB |", l, pn, n/p, n/s, p/s, pr, sr }')")
}
rm -f "$work"/*.times

if want decode; then
  nrows=$("$sluice" binlog read "${files[@]}" 2>/dev/null | wc -l || echo 0)
  [ "$nrows" -gt 0 ] || nrows=$changes
  for _ in $(seq "$runs"); do
    measure mariadb-binlog mariadb-binlog --verbose --base64-output=DECODE-ROWS "${files[@]}"
    measure sluice-read "$sluice" binlog read "${files[@]}"
  done
  row "binlog decode (file → JSON lines)" mariadb-binlog sluice-read "$nrows"
fi
if want fetch; then
  for _ in $(seq "$runs"); do
    rm -rf "$work/raw"; mkdir -p "$work/raw"
    measure mariadb-binlog-raw mariadb-binlog --read-from-remote-server --raw --host=127.0.0.1 --port="$SLUICE_BENCH_PORT" \
      --user=root --password=rootpw --result-file="$work/raw/" --to-last-log "${logs[0]}"
    measure sluice-stream "$sluice" binlog stream --config <(printf '{"host":"127.0.0.1","port":%s,"user":"sluice","password":"sluicepw","server_id":777}' "$SLUICE_BENCH_PORT") \
      --from "${logs[0]}:4" --until-now
  done
  row "binlog fetch over loopback" mariadb-binlog-raw sluice-stream "${nrows:-$changes}"
fi
if want snapshot; then
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
fi
if want memory; then
  "${M[@]}" -e "INSTALL SONAME 'ha_blackhole'" 2>/dev/null || true
  "${M[@]}" -e "CREATE DATABASE IF NOT EXISTS big; DROP TABLE IF EXISTS big.t;
    CREATE TABLE big.t (id INT, pad VARCHAR(4000), n BIGINT) ENGINE=BLACKHOLE; FLUSH BINARY LOGS" bench
  big_log=$("${M[@]}" -N -e "SHOW BINARY LOGS" | tail -1 | cut -f1)
  "${M[@]}" -e "BEGIN; INSERT INTO big.t SELECT seq, REPEAT(CHAR(65 + seq % 26), 4000), seq * 3
    FROM seq_1_to_260000; COMMIT; FLUSH BINARY LOGS" big
  big_bytes=$(command stat -c %s "$datadir/$big_log")
  measure sluice-1gb-txn "$sluice" binlog read "$datadir/$big_log"
  read -r s r < <(stat sluice-1gb-txn)
  results+=("| one transaction of $((big_bytes / 1048576)) MiB (memory) | - | - | ${s} s | - | - | ${r} MB |")
fi

echo
echo "sluice bench, $(date -u +%F), $(nproc) cores, commit $(git rev-parse --short HEAD), rows=$rows changes=$changes runs=$runs"
echo
echo "| work | peer | peer | sluice | sluice/peer | peer RSS | sluice RSS |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${results[@]}"
