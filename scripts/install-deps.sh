#!/usr/bin/env bash
# Installs everything sluice needs to build, test, demo and benchmark, from Debian's packages.
# Idempotent and quiet when everything is present already.
set -euo pipefail
pkgs=(
  # build
  build-essential cmake ninja-build pkg-config git clang-16 libclang-rt-16-dev
  # libraries
  libmariadb-dev libzstd-dev zlib1g-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev libavro-dev libdeflate-dev libsqlite3-dev libpq-dev librdkafka-dev libssh-dev
  libhowardhinnant-date-dev tzdata
  libcpp-httplib-dev libxxhash-dev
  # test servers and independent readers
  mariadb-server mariadb-client postgresql openssh-server openssl debootstrap iproute2 procps
  sqlite3 kcat python3 python3-avro avro-bin python3-jsonschema mydumper time util-linux
  prometheus
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
# Keep the packaged services from starting on install; sluice's scripts start their own.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
