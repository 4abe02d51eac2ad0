#!/usr/bin/env bash
# Builds (once) a minimal Debian unstable chroot holding Oracle MySQL 9.x server and client.
# The chroot is cached under ${SLUICE_CACHE:-$HOME/.cache/sluice}/mysql-root and reused.
# Prints the chroot path on stdout. Idempotent; safe to call from tests and CI.
set -euo pipefail
cache=${SLUICE_CACHE:-$HOME/.cache/sluice}
root=$cache/mysql-root
if [ -x "$root/usr/sbin/mysqld" ] && [ -f "$root/.sluice-ready" ]; then
  echo "$root"; exit 0
fi
command -v debootstrap >/dev/null || { echo "mysql-chroot: debootstrap missing (run scripts/install-deps.sh)" >&2; exit 1; }
mkdir -p "$cache"
lock=$cache/mysql-root.lock
exec 9>"$lock"
flock 9
if [ -x "$root/usr/sbin/mysqld" ] && [ -f "$root/.sluice-ready" ]; then echo "$root"; exit 0; fi
# A half-built chroot (interrupted earlier) is rebuilt from scratch; nothing is mounted inside it.
rm -rf "$root"
echo "mysql-chroot: building $root (debootstrap sid, once)" >&2
debootstrap --variant=minbase sid "$root" http://deb.debian.org/debian >"$cache/debootstrap.log" 2>&1 \
  || { echo "mysql-chroot: debootstrap failed, see $cache/debootstrap.log" >&2; exit 1; }
echo 'Acquire::Check-Valid-Until "false";' >"$root/etc/apt/apt.conf.d/99no-valid-until"
chroot "$root" apt-get update -qq >>"$cache/debootstrap.log" 2>&1
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  mysql-server-core mysql-client-core >>"$cache/debootstrap.log" 2>&1 \
  || { echo "mysql-chroot: installing mysql-server-core failed, see $cache/debootstrap.log" >&2; exit 1; }
chroot "$root" sh -c 'id mysql >/dev/null 2>&1 || useradd -r -M -s /usr/sbin/nologin mysql' 
touch "$root/.sluice-ready"
echo "$root"
