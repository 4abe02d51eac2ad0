#!/usr/bin/env bash
# Starts and stops throwaway MariaDB / MySQL servers on loopback for tests, the demo and benchmarks.
#
#   testserver.sh start mariadb|mysql NAME [-- extra server options]   prints `export VAR=...` lines
#   testserver.sh stop NAME | stop-all
#   testserver.sh restart NAME [kill|term]   kills the server (SIGKILL by default, like a crash) by its pid
#                                            file and starts it again on the same port with the same data
#
# Every server: binlog ROW/FULL, a unique server_id, GTIDs, TLS (certificates from make-certs.sh),
# users  root/rootpw (admin, also over TCP), sluice/sluicepw (SELECT, RELOAD, SHOW DATABASES,
# REPLICATION SLAVE, REPLICATION CLIENT, SHOW VIEW), sluice_tls/sluicepw (same, REQUIRE SSL).
# Extra options go last on the server command line, so they override the defaults
# (e.g. -- --binlog-row-image=MINIMAL, --binlog-format=STATEMENT, --gtid-mode=OFF).
# Exported: SLUICE_<NAME>_PORT, _HOST, _DIR, _FLAVOR, SLUICE_CERTS. NAME is upper-cased, '-' -> '_'.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=${SLUICE_TEST_ROOT:-/tmp/sluice-test}
certs=$root/certs

die() { echo "testserver: $*" >&2; exit 1; }
free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
var_name() { echo "$1" | tr 'a-z-' 'A-Z_'; }
wait_ready() {  # client-cmd... ; waits up to 60 s for the server, with or without root's password
  local deadline=$((SECONDS + 60))
  until "$@" -e 'select 1' >/dev/null 2>&1 || "$@" -prootpw -e 'select 1' >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}
# Data of a MySQL server lives inside the chroot; keyed by the test root so parallel runs don't collide.
chroot_sub() { echo "/srv/sluice-test/$(printf '%s' "$root" | cksum | cut -d' ' -f1)/$1"; }
server_id_for() { echo $(( ($(printf '%s' "$1" | cksum | cut -d' ' -f1) % 100000) + 100 )); }

users_sql() {
  local flavor=$1 grants="SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, SHOW VIEW"
  cat <<SQL
SET SESSION sql_log_bin=0;
CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY 'rootpw';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
ALTER USER 'root'@'localhost' IDENTIFIED BY 'rootpw';
CREATE USER IF NOT EXISTS 'sluice'@'%' IDENTIFIED BY 'sluicepw';
GRANT $grants ON *.* TO 'sluice'@'%';
CREATE USER IF NOT EXISTS 'sluice_tls'@'%' IDENTIFIED BY 'sluicepw' REQUIRE SSL;
GRANT $grants ON *.* TO 'sluice_tls'@'%';
CREATE USER IF NOT EXISTS 'sluice_norepl'@'%' IDENTIFIED BY 'sluicepw';
GRANT SELECT, SHOW DATABASES ON *.* TO 'sluice_norepl'@'%';
FLUSH PRIVILEGES;
SQL
}

start_mariadb() {
  local name=$1; shift
  local dir=$root/$name port sid
  mkdir -p "$dir"
  port=$(free_port); sid=$(server_id_for "$name")
  if [ ! -d "$dir/data/mysql" ]; then
    rm -rf "$dir/data"
    mariadb-install-db --no-defaults --datadir="$dir/data" --auth-root-authentication-method=normal \
      --skip-test-db --user=root >"$dir/install.log" 2>&1 || die "mariadb-install-db failed, see $dir/install.log"
  fi
  local cmd=(mariadbd --no-defaults --datadir="$dir/data" --socket="$dir/sock" --port="$port"
    --bind-address=127.0.0.1 --user=root --log-bin=mysql-bin --binlog-format=ROW --binlog-row-image=FULL
    --server-id="$sid" --log-error="$dir/err.log" --pid-file="$dir/pid"
    --innodb-buffer-pool-size=64M --innodb-log-file-size=64M --innodb-flush-log-at-trx-commit=2 --sync-binlog=0
    --max-allowed-packet=1G --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci
    --ssl-ca="$certs/ca.pem" --ssl-cert="$certs/server-cert.pem" --ssl-key="$certs/server-key.pem"
    --expire-logs-days=7 --log-slave-updates=ON "$@")
  save_restart "$name" "${cmd[@]}"
  setsid "${cmd[@]}" </dev/null >/dev/null 2>&1 &
  if ! wait_ready mariadb --no-defaults -uroot -S "$dir/sock"; then
    die "mariadb $name did not start within 60 s; see $dir/err.log: $(tail -3 "$dir/err.log" 2>/dev/null | tr '\n' ' ')"
  fi
  if mariadb --no-defaults -uroot -S "$dir/sock" -e 'select 1' >/dev/null 2>&1; then
    users_sql mariadb | mariadb --no-defaults -uroot -S "$dir/sock"
  fi
  emit "$name" mariadb "$port" "$dir"
}

start_mysql() {
  local name=$1; shift
  local croot sub dir port sid
  croot=$("$here/mysql-chroot.sh")
  sub=$(chroot_sub "$name")
  dir=$croot$sub
  mkdir -p "$dir/files" "$dir/certs"
  cp "$certs"/ca.pem "$certs"/server-cert.pem "$certs"/server-key.pem "$dir/certs/"
  port=$(free_port); sid=$(server_id_for "$name")
  cat >"$dir/my.cnf" <<CNF
[mysqld]
user=root
datadir=$sub/data
socket=$sub/sock
pid-file=$sub/pid
log-error=$sub/err.log
port=$port
bind-address=127.0.0.1
mysqlx=OFF
secure-file-priv=$sub/files
server-id=$sid
log-bin=binlog
binlog-format=ROW
binlog-row-image=FULL
gtid-mode=ON
enforce-gtid-consistency=ON
binlog-expire-logs-seconds=604800
innodb-buffer-pool-size=64M
innodb-flush-log-at-trx-commit=2
sync-binlog=0
max-allowed-packet=1G
performance-schema=OFF
ssl-ca=$sub/certs/ca.pem
ssl-cert=$sub/certs/server-cert.pem
ssl-key=$sub/certs/server-key.pem
CNF
  if [ ! -d "$dir/data/mysql" ]; then
    rm -rf "$dir/data"
    printf 'SET SESSION sql_log_bin=0;\n' >"$dir/init.sql"
    chroot "$croot" /usr/sbin/mysqld --defaults-file="$sub/my.cnf" --initialize-insecure \
      >"$dir/install.log" 2>&1 || die "mysqld --initialize failed, see $dir/install.log and $dir/err.log"
  fi
  local args=()
  for a in "$@"; do args+=("$a"); done
  save_restart "$name" chroot "$croot" /usr/sbin/mysqld --defaults-file="$sub/my.cnf" "${args[@]}"
  setsid chroot "$croot" /usr/sbin/mysqld --defaults-file="$sub/my.cnf" "${args[@]}" </dev/null >/dev/null 2>&1 &
  local client=(chroot "$croot" /usr/bin/mysql --no-defaults -uroot -S "$sub/sock")
  if ! wait_ready "${client[@]}"; then
    die "mysql $name did not start within 60 s; see $dir/err.log: $(tail -3 "$dir/err.log" 2>/dev/null | tr '\n' ' ')"
  fi
  if "${client[@]}" -e 'select 1' >/dev/null 2>&1; then
    users_sql mysql | "${client[@]}"
  fi
  emit "$name" mysql "$port" "$dir"
}

emit() {
  local v; v=$(var_name "$1")
  {
    echo "export SLUICE_${v}_FLAVOR=$2"
    echo "export SLUICE_${v}_HOST=127.0.0.1"
    echo "export SLUICE_${v}_PORT=$3"
    echo "export SLUICE_${v}_DIR=$4"
    echo "export SLUICE_CERTS=$certs"
  } | tee "$root/$1.env"
  echo "$4" >"$root/$1.datadir"
}

# Remembers how NAME was launched, for `restart`.
save_restart() {
  local name=$1; shift
  printf '%q ' "$@" >"$root/$name.launch"
}

restart_one() {
  local name=$1 sig=${2:-kill} dir pid port deadline
  [ -f "$root/$name.datadir" ] && [ -f "$root/$name.launch" ] || die "server $name is not running (start it first)"
  dir=$(cat "$root/$name.datadir")
  port=$(sed -n 's/^export SLUICE_.*_PORT=//p' "$root/$name.env")
  if [ -f "$dir/pid" ]; then
    pid=$(cat "$dir/pid")
    if [ "$sig" = term ]; then kill "$pid" 2>/dev/null || true; else kill -9 "$pid" 2>/dev/null || true; fi
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && die "server $name (pid $pid) did not stop"
  fi
  rm -f "$dir/pid"
  setsid bash -c "exec $(cat "$root/$name.launch")" </dev/null >/dev/null 2>&1 &
  deadline=$((SECONDS + 60))
  until mariadb --no-defaults -h127.0.0.1 -P"$port" -uroot -prootpw -e 'select 1' >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || die "server $name did not come back within 60 s; see $dir/err.log"
    sleep 0.2
  done
}

stop_one() {
  local name=$1 dir pid
  [ -f "$root/$name.datadir" ] || return 0
  dir=$(cat "$root/$name.datadir")
  if [ -f "$dir/pid" ]; then
    pid=$(cat "$dir/pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  # A MySQL server's data lives in the shared chroot, not under $root (which the test command
  # removes): delete it too, since every start begins from fresh data; otherwise each test run
  # leaves ~1 GB in the cache.
  local chroot_data=${SLUICE_CACHE:-$HOME/.cache/sluice}/mysql-root/srv/sluice-test/
  case "$dir" in "$chroot_data"?*) rm -rf "$dir"; rmdir "$(dirname "$dir")" 2>/dev/null || true ;; esac
  rm -f "$root/$name.datadir" "$root/$name.env" "$root/$name.launch"
}

cmd=${1:-}; shift || true
case "$cmd" in
  start)
    flavor=${1:?flavor}; name=${2:?name}; shift 2
    [ "${1:-}" = "--" ] && shift
    mkdir -p "$root"
    "$here/make-certs.sh" "$certs"
    stop_one "$name"
    # Fresh data each start: tests expect an empty binlog and known users.
    rm -rf "${root:?}/$name"
    if [ "$flavor" = mysql ]; then rm -rf "$("$here/mysql-chroot.sh")$(chroot_sub "$name")"; fi
    case "$flavor" in
      mariadb) start_mariadb "$name" "$@" ;;
      mysql) start_mysql "$name" "$@" ;;
      *) die "unknown flavor '$flavor' (mariadb or mysql)" ;;
    esac ;;
  stop) stop_one "${1:?name}" ;;
  restart) restart_one "${1:?name}" "${2:-kill}" ;;
  stop-all)
    for f in "$root"/*.datadir; do [ -e "$f" ] && stop_one "$(basename "$f" .datadir)"; done; true ;;
  *) die "usage: testserver.sh start mariadb|mysql NAME [-- options] | stop NAME | stop-all | restart NAME [kill|term]" ;;
esac
