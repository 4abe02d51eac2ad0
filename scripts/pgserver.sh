#!/usr/bin/env bash
# Starts and stops a throwaway PostgreSQL 15 (Debian's postgresql-15) on a free loopback port, for
# the PostgreSQL destination's tests, the demo and benchmarks.
#
#   pgserver.sh start [NAME] [-- SERVER_OPTIONS...]   prints `export SLUICE_PG_...=` lines (eval them);
#                              NAME defaults to "pg"; options go to postgres (`-- -c fsync=off` for benchmarks)
#   pgserver.sh stop [NAME] | stop-all
#
# PostgreSQL refuses to run as root: initdb and pg_ctl run as the `postgres` user (runuser when
# this script runs as root), the data directory belongs to it. Superuser `postgres`, password
# `pgpw` (scram over TCP); a database `sluice`. Exported: SLUICE_PG_HOST, SLUICE_PG_PORT,
# SLUICE_PG_USER, SLUICE_PG_PASSWORD, SLUICE_PG_DATABASE, SLUICE_PG_DIR.
set -euo pipefail
root=${SLUICE_TEST_ROOT:-/tmp/sluice-test}
bin=/usr/lib/postgresql/15/bin

die() { echo "pgserver: $*" >&2; exit 1; }
[ -x "$bin/initdb" ] || die "PostgreSQL 15 is not installed (apt-get install postgresql; scripts/install-deps.sh does)"
free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local name=$1 dir port extra=${2:-}
  dir=$root/pg-$name
  stop_one "$name"
  rm -rf "$dir"
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir" && chmod 700 "$dir"
  # The root may be mode 700 (mktemp): postgres must be able to walk into it.
  [ "$(id -u)" -eq 0 ] && chmod o+x "$root"
  printf 'pgpw\n' >"$dir/.pwfile"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir/.pwfile"
  as_pg "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/.pwfile" --auth-local=trust \
    --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    die "initdb failed, see $dir/initdb.log"
  port=$(free_port)
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=on -c shared_buffers=32MB $extra" start \
    >/dev/null 2>&1 || die "PostgreSQL did not start; see $dir/server.log: $(tail -3 "$dir/server.log" 2>/dev/null | tr '\n' ' ')"
  PGPASSWORD=pgpw psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -qAt -c 'CREATE DATABASE sluice' >/dev/null ||
    die "cannot create database sluice on port $port"
  echo "$dir" >"$root/pg-$name.pgdir"
  local v; v=$(echo "$name" | tr 'a-z-' 'A-Z_')
  local prefix=SLUICE_PG
  [ "$name" = pg ] || prefix=SLUICE_PG_$v
  {
    echo "export ${prefix}_HOST=127.0.0.1"
    echo "export ${prefix}_PORT=$port"
    echo "export ${prefix}_USER=postgres"
    echo "export ${prefix}_PASSWORD=pgpw"
    echo "export ${prefix}_DATABASE=sluice"
    echo "export ${prefix}_DIR=$dir"
  } | tee "$root/pg-$name.env"
}

stop_one() {
  local name=$1 dir
  [ -f "$root/pg-$name.pgdir" ] || return 0
  dir=$(cat "$root/pg-$name.pgdir")
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  fi
  rm -f "$root/pg-$name.pgdir" "$root/pg-$name.env"
}

cmd=${1:-}; shift || true
case "$cmd" in
  start)
    name=pg
    if [ $# -gt 0 ] && [ "$1" != -- ]; then name=$1; shift; fi
    [ "${1:-}" = -- ] && shift
    mkdir -p "$root"; start "$name" "$*" ;;
  stop) stop_one "${1:-pg}" ;;
  stop-all)
    for f in "$root"/pg-*.pgdir; do [ -e "$f" ] && stop_one "$(basename "$f" .pgdir | sed 's/^pg-//')"; done; true ;;
  *) die "usage: pgserver.sh start [NAME] | stop [NAME] | stop-all" ;;
esac
