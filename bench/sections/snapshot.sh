# bench section "snapshot", sourced by bench/run.sh (see its header for the helpers it provides).
# A Full Table job of bench.t, Singer messages to /dev/null (what the Singer tap does at ~21k rows/s),
# on one connection and on two (--threads 2), beside mydumper -t 1 / -t 2 and mariadb --quick.
# Over plain TCP, like the peers (mydumper and the mariadb client use TLS only when asked; sluice's
# default ssl_mode=preferred would add TLS on both ends, ~40% of the job's time on this loopback).
source bench/full_table_setup.sh
sed 's/^{/{"ssl_mode":"disabled",/' "$work/snap-config.json" >"$work/snap-plain.json"
for _ in $(seq "$runs"); do
  measure mariadb-quick "${M[@]}" --quick -e "SELECT * FROM bench.t"
  rm -rf "$work/dump"
  measure mydumper-t1 mydumper -h 127.0.0.1 -P "$SLUICE_BENCH_PORT" -u root -p rootpw -B bench -T t -t 1 \
    --trx-consistency-only -r 100000 -o "$work/dump"
  measure sluice-sync "$sluice" sync --quiet --config "$work/snap-plain.json" --catalog "$work/snap-catalog.json"
  rm -rf "$work/dump"
  measure mydumper-t2 mydumper -h 127.0.0.1 -P "$SLUICE_BENCH_PORT" -u root -p rootpw -B bench -T t -t 2 \
    --trx-consistency-only -r 100000 -o "$work/dump"
  measure sluice-sync-t2 "$sluice" sync --quiet --threads 2 --config "$work/snap-plain.json" \
    --catalog "$work/snap-catalog.json"
done
rm -rf "$work/dump"
# "N.Nx the tap": sluice's rows/s over the Singer tap's ~21,000 rows/s (BENCHMARKS.md, reference figure).
vs_tap() { local s; read -r s _ < <(stat "$1"); awk -v n="$total" -v s="$s" 'BEGIN {
  if (s > 0) printf "%.1fx the tap", n / s / 21000; else printf "n/a vs the tap" }'; }
row "full table (Singer to /dev/null) vs mydumper -t 1; $(vs_tap sluice-sync)" mydumper-t1 sluice-sync "$total"
row "full table, --threads 2 vs mydumper -t 2; $(vs_tap sluice-sync-t2)" mydumper-t2 sluice-sync-t2 "$total"
row "full table (Singer to /dev/null) vs mariadb --quick" mariadb-quick sluice-sync "$total"
