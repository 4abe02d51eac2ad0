# bench section "replicate", sourced by bench/run.sh (see its header for the helpers it provides).
# Not in the default list (long): `bench/run.sh --only replicate` (issue 16, BENCHMARKS.md).
# The bench server is the source (run.sh starts it with binlog_row_metadata=MINIMAL when this
# section is listed: `sluice replicate` refuses NO_LOG). The target is a second MariaDB started
# by scripts/testserver.sh with the bench server's settings (innodb_flush_log_at_trx_commit=2,
# sync_binlog=0, log_slave_updates=ON: both appliers' transactions reach its binlog), its data
# on tmpfs so that a reset to the state before the changes is a copy of a snapshot.
#  a. apply rate over the change workload (logs[]: bench.t from its load to the end of the
#     changes): the native replica (CHANGE MASTER TO the first change, slave_parallel_threads=0,
#     done when MASTER_POS_WAIT reaches the last transaction) vs `sluice replicate` (both roles,
#     done when the target's sluice.apply_position reaches it), alternating, the target reset
#     before each; then `--role extract` alone (source -> log, done at the log's last write) and
#     `--role apply` alone over that log (log -> target).
#  b. commit-to-visible latency at ~200 single-row transactions/s: a stored procedure on the
#     source paces the inserts (each row holds its SYSDATE(6) in microseconds); one on the target
#     polls every 0.2 ms and keeps when each row became visible; p50/p99 of the difference.
#  c. peak RSS: of (a), and of one UPDATE of $big_rows rows applied while the target lags (the
#     whole transaction in the source's binlog before sluice starts).
# The native replica also runs with slave_parallel_threads=2 (a row of its own).
# SLUICE_BENCH_LAT_TXNS (default 2000 per run) and SLUICE_BENCH_BIG_ROWS (default --rows) size
# (b) and (c). The journal is on disk under $work with the log's default durability.
rep_port=$SLUICE_BENCH_PORT
lat_txns=${SLUICE_BENCH_LAT_TXNS:-2000}
big_rows=${SLUICE_BENCH_BIG_ROWS:-$rows}
rep_shm=$(mktemp -d "${SLUICE_BENCH_SHM:-/dev/shm}/sluice-bench-rep.XXXXXX")
trap 'scripts/testserver.sh stop-all >/dev/null 2>&1 || true; rm -rf "$rep_shm"' EXIT
jdir=$work/rep-journal
eval "$(scripts/testserver.sh start mariadb rtarget -- --max-binlog-size=256M --innodb-buffer-pool-size=2G)"
T=(mariadb --no-defaults -h127.0.0.1 -P"$SLUICE_RTARGET_PORT" -uroot -prootpw)
rep_dir=$SLUICE_RTARGET_DIR
# target_stop [-9]: a clean shutdown (or a kill), waiting for the process to end.
target_stop() {
  local pid; pid=$(cat "$rep_dir/pid" 2>/dev/null) || return 0
  if [ "${1:-}" = -9 ]; then kill -9 "$pid"; else "${T[@]}" -e "SHUTDOWN"; fi
  for _ in $(seq 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$rep_dir/pid"
}
# target_launch: the target's server again, as testserver.sh launched it (its data in $rep_shm).
target_launch() {
  (setsid bash -c "exec $(cat "$SLUICE_TEST_ROOT/rtarget.launch")" </dev/null >/dev/null 2>&1 &)
  for _ in $(seq 600); do "${T[@]}" -e "SELECT 1" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "bench: the target did not start: $(tail -3 "$rep_dir/err.log")" >&2; exit 1
}
# The target as it was before the changes: killed (its data is thrown away), the snapshot copied.
target_reset() {
  target_stop -9
  rm -rf "$rep_shm/data"
  cp -a "$rep_shm/snapshot" "$rep_shm/data"
  target_launch
}
target_stop
mv "$rep_dir/data" "$rep_shm/data"
ln -s "$rep_shm/data" "$rep_dir/data"
target_launch
# The big table of (c), the same on both sides: $big_rows rows of ~230 bytes, unlogged.
big_sql="SET SESSION sql_log_bin=0; DROP TABLE IF EXISTS bench.big;
  CREATE TABLE bench.big (id INT PRIMARY KEY, n INT, pad VARCHAR(220)) ENGINE=InnoDB;
  INSERT INTO bench.big SELECT seq, 0, REPEAT(CHAR(97 + seq % 26), 220) FROM seq_1_to_$big_rows;"
"${M[@]}" bench -e "$big_sql"
# On the source: the paced writer of (b), unlogged.
"${M[@]}" <<'SQL'
SET SESSION sql_log_bin=0;
CREATE DATABASE IF NOT EXISTS benchwait;
DROP PROCEDURE IF EXISTS benchwait.pace;
CREATE TABLE IF NOT EXISTS bench.lat (id INT PRIMARY KEY, t_us BIGINT) ENGINE=InnoDB;
DELIMITER //
CREATE PROCEDURE benchwait.pace(n INT, gap_us INT)
BEGIN
  DECLARE k INT DEFAULT 0;
  DECLARE t0 BIGINT DEFAULT UNIX_TIMESTAMP(SYSDATE(6)) * 1000000;
  DECLARE ahead BIGINT;
  WHILE k < n DO
    SET k = k + 1;
    INSERT INTO bench.lat VALUES (k, UNIX_TIMESTAMP(SYSDATE(6)) * 1000000);
    SET ahead = t0 + k * gap_us - UNIX_TIMESTAMP(SYSDATE(6)) * 1000000;
    IF ahead > 0 THEN DO SLEEP(ahead / 1000000); END IF;
  END WHILE;
END//
DELIMITER ;
SQL
# The target: the bench table as loaded (before the changes), the big table, the applier's
# account (the privileges of docs/replication.md, nothing more) and the waiting procedures.
echo "bench: replicate: target with $rows rows (the state before the changes)" >&2
{ echo "SET SESSION sql_log_bin=0;"; /usr/bin/python3 bench/workload.py schema; } | "${T[@]}"
/usr/bin/python3 bench/workload.py load "$rows" | "${T[@]}"
"${T[@]}" bench -e "$big_sql"
"${T[@]}" <<'SQL'
SET SESSION sql_log_bin=0;
CREATE USER IF NOT EXISTS 'sluice_apply'@'%' IDENTIFIED BY 'applypw';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX ON `bench`.* TO 'sluice_apply'@'%';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX ON `sluice`.* TO 'sluice_apply'@'%';
CREATE DATABASE IF NOT EXISTS benchwait;
CREATE TABLE IF NOT EXISTS bench.lat (id INT PRIMARY KEY, t_us BIGINT) ENGINE=InnoDB;
CREATE TABLE IF NOT EXISTS benchwait.seen (id INT PRIMARY KEY, us BIGINT) ENGINE=MEMORY;
DELIMITER //
CREATE PROCEDURE benchwait.until_pos(f VARCHAR(255), p BIGINT)
BEGIN
  DECLARE done INT DEFAULT 0;
  DECLARE CONTINUE HANDLER FOR SQLEXCEPTION SET done = 0;  -- the applier has not created its table yet
  WHILE done = 0 DO
    SELECT COUNT(*) INTO done FROM sluice.apply_position WHERE source_file > f OR (source_file = f AND source_pos >= p);
    IF done = 0 THEN DO SLEEP(0.01); END IF;
  END WHILE;
END//
CREATE PROCEDURE benchwait.watch(n INT)
BEGIN
  DECLARE last INT DEFAULT 0;
  DECLARE m INT;
  DECLARE deadline BIGINT DEFAULT UNIX_TIMESTAMP(SYSDATE(6)) + n / 50 + 60;
  WHILE last < n AND UNIX_TIMESTAMP(SYSDATE(6)) < deadline DO
    SELECT IFNULL(MAX(id), 0) INTO m FROM bench.lat;
    IF m > last THEN
      INSERT INTO benchwait.seen SELECT id, UNIX_TIMESTAMP(SYSDATE(6)) * 1000000 FROM bench.lat WHERE id > last AND id <= m;
      SET last = m;
    ELSE
      DO SLEEP(0.0002);
    END IF;
  END WHILE;
END//
DELIMITER ;
SQL
target_stop
cp -a "$rep_shm/data" "$rep_shm/snapshot"
target_launch

# The range: from the first change to the end of the last transaction of the change workload.
# last_xid FILE: the end position of FILE's last transaction (what both appliers report having run).
last_xid() { "${M[@]}" -N -e "SHOW BINLOG EVENTS IN '$1'" | awk -F'\t' '$3 == "Xid" {p = $5} END {print p}'; }
last_log=${logs[${#logs[@]} - 1]}
end_pos=$(last_xid "$last_log")
echo "bench: replicate: ${logs[0]}:4 .. $last_log:$end_pos" >&2
# rep_config START INCLUDE: the pipeline's config, target at its current port, plain TCP both sides
# (the native replica's connection is plain too).
rep_config() {
  printf '{"host":"127.0.0.1","port":%s,"user":"sluice","password":"sluicepw","server_id":791,"ssl_mode":"disabled",
"target":{"host":"127.0.0.1","port":%s,"user":"sluice_apply","password":"applypw","ssl_mode":"disabled"},
"replicate":{"journal_dir":"%s","include":["%s"],"start":"%s"}}' \
    "$rep_port" "$SLUICE_RTARGET_PORT" "$jdir" "$2" "$1" >"$work/rep-config.json"
}
now() { date +%s.%N; }
# rep_time NAME T0 RSS_FILE: appends "seconds-since-T0 peak-RSS-kB" to $work/NAME.times.
rep_time() {
  local rss=0; [ -s "$3" ] && rss=$(tail -1 "$3" | cut -d' ' -f2)
  awk -v a="$2" -v b="$(now)" -v r="$rss" 'BEGIN {printf "%.3f %d\n", b - a, r}' >>"$work/$1.times"
}
# native_start FILE POS [THREADS]: the target replicates natively from FILE:POS, single-threaded
# unless THREADS says otherwise.
native_start() {
  native_stop
  "${T[@]}" -e "SET GLOBAL slave_parallel_threads=${3:-0};
    CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$rep_port, MASTER_USER='root',
      MASTER_PASSWORD='rootpw', MASTER_LOG_FILE='$1', MASTER_LOG_POS=$2, MASTER_USE_GTID=no; START SLAVE"
}
native_stop() { "${T[@]}" -f -e "STOP SLAVE; RESET SLAVE ALL" 2>/dev/null || true; }
# sluice_start NAME [--role R]: `sluice replicate` in the background under /usr/bin/time.
sluice_pid=
sluice_start() {
  local name=$1; shift
  rm -f "$work/$name.rss"
  mkdir -p "$jdir"  # both roles in one process: the applier's thread may look before the extractor made it
  /usr/bin/time -f "%e %M" -o "$work/$name.rss" "$sluice" replicate --config "$work/rep-config.json" "$@" \
    >/dev/null 2>"$work/$name.err" &
  sluice_pid=$!
}
sluice_stop() {  # SIGTERM to sluice itself (GNU time would die of it and leave sluice running)
  kill -TERM "$(pgrep -P "$sluice_pid")" 2>/dev/null || true
  wait "$sluice_pid" || echo "bench: sluice replicate exited $?: $(tail -2 "$1")" >&2
}
status_rows() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rows"])' "$1" 2>/dev/null || echo 0; }
checksum() { "$@" -N -e "CHECKSUM TABLE bench.t" | cut -f2; }

# --- a. apply rate ---
src_sum=$(checksum "${M[@]}")
rep_rows=0
for round in $(seq "$runs"); do
  target_reset
  t0=$(now); native_start "${logs[0]}" 4
  r=$("${T[@]}" -N -e "SELECT MASTER_POS_WAIT('$last_log', $end_pos, 3600)")
  rep_time rep-native "$t0" /dev/null
  if [ "$r" = NULL ] || [ "$r" -lt 0 ]; then echo "bench: native replica did not reach the end ($r)" >&2; fi
  native_stop
  if [ "$round" = 1 ] && [ "$(checksum "${T[@]}")" != "$src_sum" ]; then echo "bench: native replica's bench.t differs" >&2; fi

  target_reset
  t0=$(now); native_start "${logs[0]}" 4 2
  "${T[@]}" -N -e "SELECT MASTER_POS_WAIT('$last_log', $end_pos, 3600)" >/dev/null
  rep_time rep-native-p2 "$t0" /dev/null
  native_stop

  target_reset; rm -rf "$jdir"; rep_config "${logs[0]}:4" bench.t
  t0=$(now); sluice_start rep-sluice
  "${T[@]}" -e "CALL benchwait.until_pos('$last_log', $end_pos)"
  rep_time rep-sluice "$t0" /dev/null
  sluice_stop "$work/rep-sluice.err"
  sed -i '$s/ 0$/ '"$(cut -d' ' -f2 "$work/rep-sluice.rss")"'/' "$work/rep-sluice.times"
  rep_rows=$(status_rows "$jdir/apply.status.json")
  if [ "$round" = 1 ] && [ "$(checksum "${T[@]}")" != "$src_sum" ]; then echo "bench: sluice's bench.t differs" >&2; fi

  # Extract alone: done at the log's last write (its segments' newest mtime), once they stopped growing.
  rm -rf "$jdir"
  t0=$(now); sluice_start rep-extract --role extract
  prev='' same=0
  for _ in $(seq 7200); do
    cur=$(find "$jdir" -name 'seg-*.sjl' -printf '%s\n' 2>/dev/null | awk '{s += $1} END {print s + 0}')
    if [ "$cur" = "$prev" ] && [ "$cur" != 0 ]; then same=$((same + 1)); [ $same -ge 4 ] && break; else same=0; fi
    prev=$cur; sleep 0.5
  done
  last_write=$(find "$jdir" -name 'seg-*.sjl' -printf '%T@\n' | sort -n | tail -1)
  sluice_stop "$work/rep-extract.err"
  awk -v a="$t0" -v b="$last_write" -v r="$(cut -d' ' -f2 "$work/rep-extract.rss")" \
    'BEGIN {printf "%.3f %d\n", b - a, r}' >>"$work/rep-extract.times"

  target_reset
  t0=$(now); sluice_start rep-apply --role apply
  "${T[@]}" -e "CALL benchwait.until_pos('$last_log', $end_pos)"
  rep_time rep-apply "$t0" /dev/null
  sluice_stop "$work/rep-apply.err"
  sed -i '$s/ 0$/ '"$(cut -d' ' -f2 "$work/rep-apply.rss")"'/' "$work/rep-apply.times"
done
[ "$rep_rows" -gt 0 ] || rep_rows=$changes
echo "bench: replicate applies $rep_rows row changes" >&2
row "replicate: apply rate, sluice (extract + apply) vs native replica (slave_parallel_threads=0)" rep-native rep-sluice "$rep_rows"
row "replicate: native replica with slave_parallel_threads=2 (in the sluice columns) vs =0" rep-native rep-native-p2 "$rep_rows"
row "replicate: extract only (source → log) vs native replica" rep-native rep-extract "$rep_rows"
row "replicate: apply only (log → target) vs native replica" rep-native rep-apply "$rep_rows"

# --- b. commit-to-visible latency ---
lat_reset() {
  "${M[@]}" -e "SET SESSION sql_log_bin=0; TRUNCATE bench.lat"
  "${T[@]}" -e "SET SESSION sql_log_bin=0; TRUNCATE bench.lat; TRUNCATE benchwait.seen; DROP DATABASE IF EXISTS sluice"
  read -r lat_file lat_pos _ < <("${M[@]}" -N -e "SHOW MASTER STATUS")
}
lat_measure() {  # NAME: the watcher on the target, the paced writer on the source, then the deltas
  "${T[@]}" -e "SET SESSION sql_log_bin=0; CALL benchwait.watch($lat_txns)" &
  local w=$!
  "${M[@]}" -e "CALL benchwait.pace($lat_txns, 5000)"
  wait "$w" || true
  "${T[@]}" -N -e "SELECT s.us - l.t_us FROM benchwait.seen s JOIN bench.lat l USING (id)" >>"$work/$1.us"
}
rm -f "$work"/lat-*.us
for _ in $(seq "$runs"); do
  target_reset
  lat_reset; native_start "$lat_file" "$lat_pos"; sleep 1
  lat_measure lat-native
  native_stop
  lat_reset; rm -rf "$jdir"; rep_config "$lat_file:$lat_pos" bench.lat
  sluice_start lat-sluice; sleep 2
  lat_measure lat-sluice
  sluice_stop "$work/lat-sluice.err"
  cat "$work/lat-sluice.rss" >>"$work/lat-sluice.times"
done
pct() { sort -n "$work/$1.us" | awk -v q="$2" '{a[NR] = $1} END {i = int(NR * q + 0.999); if (i < 1) i = 1; printf "%.2f", a[i] / 1000}'; }
read -r _ lat_rss < <(stat lat-sluice)
results+=("$(awk -v np50="$(pct lat-native 0.5)" -v np99="$(pct lat-native 0.99)" -v sp50="$(pct lat-sluice 0.5)" \
  -v sp99="$(pct lat-sluice 0.99)" -v n="$(wc -l <"$work/lat-sluice.us")" -v m="$(wc -l <"$work/lat-native.us")" -v r="$lat_rss" 'BEGIN {
  printf "| replicate: commit-to-visible latency, 200 single-row txn/s (%d / %d txns) | native replica | p50 %s ms, p99 %s ms | p50 %s ms, p99 %s ms | p99 %.1fx the native | - | %s MB |",
    m, n, np50, np99, sp50, sp99, (np99 > 0 ? sp99 / np99 : 0), r }')")

# --- c. one big transaction while the target lags ---
target_reset
"${M[@]}" -e "FLUSH BINARY LOGS"
read -r big_file big_pos _ < <("${M[@]}" -N -e "SHOW MASTER STATUS")
"${M[@]}" -e "UPDATE bench.big SET n = n + 1"
big_end_file=$big_file big_end_pos=$(last_xid "$big_file")
big_bytes=$((big_end_pos - big_pos))
t0=$(now); native_start "$big_file" "$big_pos"
"${T[@]}" -N -e "SELECT MASTER_POS_WAIT('$big_end_file', $big_end_pos, 3600)" >/dev/null
rep_time big-native "$t0" /dev/null
native_stop
target_reset; rm -rf "$jdir"; rep_config "$big_file:$big_pos" bench.big
t0=$(now); sluice_start big-sluice
"${T[@]}" -e "CALL benchwait.until_pos('$big_end_file', $big_end_pos)"
rep_time big-sluice "$t0" /dev/null
sluice_stop "$work/big-sluice.err"
sed -i '$s/ 0$/ '"$(cut -d' ' -f2 "$work/big-sluice.rss")"'/' "$work/big-sluice.times"
if [ "$("${T[@]}" -N -e "SELECT SUM(n) FROM bench.big")" != "$big_rows" ]; then echo "bench: bench.big not updated on the target" >&2; fi
row "replicate: one UPDATE of $big_rows rows ($((big_bytes / 1048576)) MiB of binlog), sluice vs native" big-native big-sluice "$big_rows"
scripts/testserver.sh stop rtarget >/dev/null 2>&1 || true
rm -rf "$rep_shm" "$jdir"
trap 'scripts/testserver.sh stop-all >/dev/null 2>&1 || true' EXIT
