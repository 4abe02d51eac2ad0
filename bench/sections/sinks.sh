# bench section "sinks", sourced by bench/run.sh (see its header for the helpers it provides).
# The Full Table job of bench.t into each file destination (SQLite, JSON lines, Avro), alternating
# with the same job to Singer on /dev/null; then into PostgreSQL vs `psql \copy` of the same rows
# as CSV into a table of the same types. Each destination starts empty before each run (outside
# the timing). The PostgreSQL server relaxes durability (fsync=off, synchronous_commit=off), like
# the MariaDB bench server: CPU and protocol cost, not this machine's fsync latency.
# The file destinations run twice per round: on tmpfs ($SLUICE_BENCH_SHM, default /dev/shm: the
# sink's CPU cost, fsync nearly free, as for the servers) and on disk under $work (what a user's
# disk adds: fsync at every checkpoint). sluice itself keeps its durability in both.
# Over plain TCP like the snapshot section: TLS would add the same cost to both sides of each ratio.
source bench/full_table_setup.sh
sed 's/^{/{"ssl_mode":"disabled",/' "$work/snap-config.json" >"$work/sinks-config.json"
sync_args=(sync --quiet --config "$work/sinks-config.json" --catalog "$work/snap-catalog.json")
shm=$(mktemp -d "${SLUICE_BENCH_SHM:-/dev/shm}/sluice-bench-sinks.XXXXXX")
for _ in $(seq "$runs"); do
  for dest in sqlite jsonl avro; do
    measure sink-singer "$sluice" "${sync_args[@]}"
    for place in tmpfs disk; do
      dir="$work/sink-$dest"; [ "$place" = tmpfs ] && dir="$shm/sink-$dest"
      before_sluice='rm -rf "$dir" && mkdir -p "$dir"'
      eval "$before_sluice"
      target="$dir"; [ "$dest" = sqlite ] && target="$dir/bench.db"
      measure "sink-$dest-$place" "$sluice" "${sync_args[@]}" --destination "$dest:$target"
      before_sluice=
      rm -rf "$dir"
    done
  done
done
rm -rf "$shm"
for dest in SQLite:sqlite "JSON lines:jsonl" Avro:avro; do
  for place in tmpfs disk; do
    row "full table into ${dest%%:*} ($place) vs Singer to /dev/null" sink-singer "sink-${dest##*:}-$place" "$total"
  done
done

# PostgreSQL: sluice's COPY + merge vs psql \copy of a CSV export into a table like sluice's.
eval "$(scripts/pgserver.sh start bench -- -c fsync=off -c synchronous_commit=off -c full_page_writes=off)"
trap 'scripts/pgserver.sh stop bench >/dev/null 2>&1 || true; scripts/testserver.sh stop-all >/dev/null 2>&1 || true' EXIT
P=(psql -h 127.0.0.1 -p "$SLUICE_PG_BENCH_PORT" -U postgres -d sluice -qAt -v ON_ERROR_STOP=1)
export PGPASSWORD=$SLUICE_PG_BENCH_PASSWORD
pg_dest=$(printf '{"type":"postgres","host":"127.0.0.1","port":%s,"user":"postgres","password":"%s","dbname":"sluice","report_dir":"%s"}' \
  "$SLUICE_PG_BENCH_PORT" "$SLUICE_PG_BENCH_PASSWORD" "$work/pg-reports")
# The CSV, once: the client's batch output (tab-separated, \n \t \\ escaped, NULL as NULL) made CSV.
"${M[@]}" --default-character-set=utf8mb4 -B -N -e "SET time_zone='+00:00'; SELECT id, i, u, name, body, amount, dt, ts, score, doc, status, flag FROM bench.t" |
  /usr/bin/python3 -c 'import csv, sys
unescape = {"n": "\n", "t": "\t", "\\": "\\", "0": "\0"}
def field(f):
    if f == "NULL": return None
    out, i = [], 0
    while i < len(f):
        if f[i] == "\\" and i + 1 < len(f): out.append(unescape.get(f[i + 1], f[i + 1])); i += 2
        else: out.append(f[i]); i += 1
    return "".join(out)
w = csv.writer(sys.stdout, lineterminator="\n")
for line in sys.stdin:
    w.writerow(["" if v is None else v for v in map(field, line.rstrip("\n").split("\t"))])' >"$work/bench-t.csv"
cols="id, i, u, name, body, amount, dt, ts, score, doc, status, flag"
for _ in $(seq "$runs"); do
  before_sluice='"${P[@]}" -c "DROP SCHEMA IF EXISTS bench CASCADE"'
  eval "$before_sluice"
  measure sink-postgres "$sluice" "${sync_args[@]}" --destination "$pg_dest"
  before_sluice=
  "${P[@]}" -c "DROP TABLE IF EXISTS public.copy_t; CREATE TABLE public.copy_t (LIKE bench.t INCLUDING ALL)"
  measure psql-copy "${P[@]}" -c "\\copy public.copy_t ($cols) FROM '$work/bench-t.csv' WITH (FORMAT csv)"
done
row "full table into PostgreSQL vs psql \\\\copy CSV" psql-copy sink-postgres "$total"
scripts/pgserver.sh stop bench >/dev/null 2>&1 || true
