#!/usr/bin/env bash
# Builds sluice and runs every test: unit tests, then integration tests against real MariaDB 10.11
# and Oracle MySQL 9.7 servers that this script starts on loopback (and stops, also on failure).
# Usage: scripts/test.sh [ctest arguments, e.g. -R binlog]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
preset=${SLUICE_PRESET:-dev}
scripts/install-deps.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"

# A short fuzz run of every decoder of outside bytes (clang-16 libFuzzer build; crashes fail the run).
scripts/fuzz.sh "${SLUICE_FUZZ_SECONDS:-30}"

export SLUICE_TEST_ROOT=${SLUICE_TEST_ROOT:-/tmp/sluice-test-$$}
cleanup() { scripts/testserver.sh stop-all || true; scripts/pgserver.sh stop-all || true; rm -rf "$SLUICE_TEST_ROOT"; }
trap cleanup EXIT
echo "test.sh: starting MariaDB and MySQL test servers" >&2
eval "$(scripts/testserver.sh start mariadb mariadb)"
eval "$(scripts/testserver.sh start mysql mysql)"
eval "$(scripts/pgserver.sh start)"
ctest --preset "$preset" -j 2 --timeout 900 "$@"
