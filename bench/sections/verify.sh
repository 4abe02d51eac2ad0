# bench section "verify", sourced by bench/run.sh (see its header for the helpers it provides).
# `sluice verify` of bench.t against a SQLite destination that holds it (equal: every chunk's
# checksums are computed on both sides, no row differs), next to one Full Table job of bench.t
# into a SQLite file (issue 17: verify costs no more than one Full Table job of the table). The
# destination is written once, outside the timing; the Full Table job starts from an empty file
# each run. Both on tmpfs ($SLUICE_BENCH_SHM, default /dev/shm), over plain TCP. The peak RSS
# column shows verify's memory bounded by its chunk (10000 rows per side), not by the table.
source bench/full_table_setup.sh
sed 's/^{/{"ssl_mode":"disabled",/' "$work/snap-config.json" >"$work/verify-config.json"
shm=$(mktemp -d "${SLUICE_BENCH_SHM:-/dev/shm}/sluice-bench-verify.XXXXXX")
sync_args=(sync --quiet --config "$work/verify-config.json" --catalog "$work/snap-catalog.json")
"$sluice" "${sync_args[@]}" --destination "sqlite:$shm/verified.db"
verify_args=(verify --config "$work/verify-config.json" --catalog "$work/snap-catalog.json" --tables bench.t
  --destination "sqlite:$shm/verified.db")
"$sluice" "${verify_args[@]}" >&2 || { echo "bench: verify of bench.t did not find it equal" >&2; exit 1; }
for _ in $(seq "$runs"); do
  rm -rf "$shm/full.db"*  # the SQLite destination keeps its reports in full.db.reports/
  measure verify-full-table "$sluice" "${sync_args[@]}" --destination "sqlite:$shm/full.db"
  measure verify-sqlite "$sluice" "${verify_args[@]}"
done
rm -rf "$shm"
row "verify of bench.t (SQLite) vs one Full Table job of it into SQLite" verify-full-table verify-sqlite "$total"
