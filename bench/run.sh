#!/usr/bin/env bash
# sluice's benchmarks: sluice and its peers side by side, in one run, on the same data (BENCHMARKS.md).
# Reports medians of alternating runs (A B A B ...), rows/s, ratios and peak RSS as a markdown table.
#
#   bench/run.sh [--quick] [--rows N] [--changes N] [--runs K] [--only decode,fetch,catchup,snapshot,sinks,memory]
#
# Not in the default list (long): verify (issue 17) and replicate (issue 16: `sluice replicate`
# vs a native MariaDB replica; bench/sections/replicate.sh), e.g. `--only replicate,verify`.
#
# Each work is a section, bench/sections/NAME.sh, sourced in the order --only names them. A
# section may use: $sluice (binary), $work (scratch dir), M=(mariadb client args), $SLUICE_BENCH_PORT,
# $datadir, logs=(binlog names) and files=(their paths) holding the change workload, $rows,
# $changes, $runs, and the helpers `measure NAME CMD...` (one timed run), `stat NAME`
# (median seconds, peak RSS MB), `row LABEL PEER SLUICE ROWS` (adds a line to the table) and
# `bench_catalog CONFIG METHOD` (a catalog selecting every table with METHOD).
# SLUICE_BUILD_DIR picks the build directory (default build/release, the release preset).
#
# The bench server relaxes durability (innodb_flush_log_at_trx_commit=2, sync_binlog=0) so the
# numbers measure CPU and protocol cost, not this machine's fsync latency.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
rows=1000000 changes=1000000 runs=3 only=decode,fetch,catchup,snapshot,sinks,memory
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

# A 3 GB buffer pool holds the default 1 M-row table (~1.4 GB) in memory, so the snapshot
# numbers measure the tools, not this machine's disk (full_table_setup.sh warms it).
server_opts=(--max-binlog-size=256M --innodb-buffer-pool-size=3G)
# `sluice replicate` refuses a source without column metadata in its binlog (MariaDB's NO_LOG).
case ",$only," in *,replicate,*) server_opts+=(--binlog-row-metadata=MINIMAL) ;; esac
eval "$(scripts/testserver.sh start mariadb bench -- "${server_opts[@]}")"
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

# measure_one NAME CMD...: one timed run; appends "elapsed maxrss_kb" to $work/NAME.times
measure_one() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time.out" "$@" >/dev/null 2>"$work/$name.err" || {
    echo "bench: $name failed: $(tail -2 "$work/$name.err")" >&2; echo "fail 0" >>"$work/$name.times"; return 0; }
  cat "$work/time.out" >>"$work/$name.times"
}
# SLUICE_BASELINE=BIN (an older sluice binary): an A/B of two commits in the same run. Every run of
# $sluice is made with BIN too, alternating the order (A B, B A, ...), as NAME@base; each row gains a
# line "this commit vs baseline". A section whose destination must start empty sets `before_sluice`
# (a command evaluated before each of the two runs).
baseline=${SLUICE_BASELINE:-}
ab_turn=0
# measure NAME CMD...: one timed run (two with SLUICE_BASELINE when CMD is $sluice).
measure() {
  local name=$1; shift
  if [ -z "$baseline" ] || [ "$1" != "$sluice" ]; then measure_one "$name" "$@"; return; fi
  local order=("$name@base" "$name") n; shift
  ab_turn=$((ab_turn + 1))
  ((ab_turn % 2)) || order=("$name" "$name@base")
  for n in "${order[@]}"; do
    eval "${before_sluice:-}"
    if [ "$n" = "$name" ]; then measure_one "$n" "$sluice" "$@"; else measure_one "$n" "$baseline" "$@"; fi
  done
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR ? a[int((NR+1)/2)] : "nan")}'; }
stat() {  # NAME -> "median_seconds max_rss_mb"
  local s r
  s=$(cut -d' ' -f1 "$work/$1.times" | { grep -v fail || true; } | median)
  r=$(cut -d' ' -f2 "$work/$1.times" | sort -n | tail -1)
  echo "$s $((r / 1024))"
}
# bench_catalog CONFIG METHOD: a catalog of every table of the config's databases, each with
# replication METHOD (FULL_TABLE, LOG_BASED), on stdout.
bench_catalog() {
  "$sluice" discover --select-all --config "$1" | /usr/bin/python3 -c 'import json,sys
c=json.load(sys.stdin)
for s in c["streams"]:
  for m in s["metadata"]:
      if not m["breadcrumb"]: m["metadata"]["replication-method"]=sys.argv[1]
json.dump(c,sys.stdout)' "$2"
}
results=()
row() {  # label peer sluice rows
  local p s pr sr; read -r p pr < <(stat "$2"); read -r s sr < <(stat "$3")
  results+=("$(awk -v l="$1" -v p="$p" -v s="$s" -v n="$4" -v pr="$pr" -v sr="$sr" -v pn="$2" 'BEGIN {
    if (s == "nan" || s <= 0 || p <= 0) { printf "| %s | %s | %.0f rows/s | n/a | n/a | %s MB | n/a |", l, pn, n/p, pr; exit }
    printf "| %s | %s | %.0f rows/s | %.0f rows/s | %.2fx | %s MB | %s MB |", l, pn, n/p, n/s, p/s, pr, sr }')")
  if [ -n "$baseline" ] && [ -f "$work/$3@base.times" ] && [ "${2%@base}" = "$2" ]; then
    row "$1: this commit vs baseline" "$3@base" "$3" "$4"
  fi
}
rm -f "$work"/*.times

for section in ${only//,/ }; do
  [ -f "bench/sections/$section.sh" ] || { echo "bench: no section $section (bench/sections/)" >&2; exit 2; }
  # shellcheck source=/dev/null
  source "bench/sections/$section.sh"
done

echo
echo "sluice bench, $(date -u +%F), $(nproc) cores, commit $(git rev-parse --short HEAD), rows=$rows changes=$changes runs=$runs${baseline:+, baseline $baseline}"
echo
echo "| work | peer | peer | sluice | sluice/peer | peer RSS | sluice RSS |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${results[@]}"
