# bench section "memory", sourced by bench/run.sh (see its header for the helpers it provides).
# One transaction of ~1 GB (MariaDB BLACKHOLE table, 260k rows of 4 KB, in one INSERT ... SELECT)
# decoded by `sluice binlog read`; its peak RSS must stay <= 64 MB.
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
