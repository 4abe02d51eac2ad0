#!/usr/bin/env bash
# Regenerates one binlog fixture: tests/data/make_fixture.sh NAME
# Runs NAME/make.sql on the server named by NAME/flavor ("mariadb" or "mysql", started by
# scripts/testserver.sh; its SLUICE_<FLAVOR>_* variables must be exported), between two
# FLUSH BINARY LOGS, and copies the binlog file written in between into NAME/.
# Then writes NAME/expected.jsonl with `sluice binlog read --verbose` (review the diff!), and
# NAME/expected.err when the read ends with an error.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
name=${1:?fixture name}
dir=$here/$name
flavor=$(cat "$dir/flavor")
sluice=${SLUICE:-$here/../../build/dev/src/cli/sluice}
if [ "$flavor" = mariadb ]; then
  client=(mariadb --no-defaults --default-character-set=utf8mb4 -uroot -prootpw -h127.0.0.1 -P"$SLUICE_MARIADB_PORT")
  data=$SLUICE_MARIADB_DIR/data
else
  client=(mariadb --no-defaults --default-character-set=utf8mb4 -uroot -prootpw -h127.0.0.1 -P"$SLUICE_MYSQL_PORT")
  data=$SLUICE_MYSQL_DIR/data
fi
"${client[@]}" -e 'FLUSH BINARY LOGS'
file=$("${client[@]}" -N -e 'SHOW BINARY LOGS' | tail -1 | cut -f1)
"${client[@]}" <"$dir/make.sql"
"${client[@]}" -e 'FLUSH BINARY LOGS'
rm -f "$dir"/*-bin.* "$dir"/binlog.*
cp "$data/$file" "$dir/$file"
# A fixture that ends in an error (a two-phase XA PREPARE) keeps the error line in expected.err.
rm -f "$dir/expected.err"
"$sluice" binlog read --verbose "$dir/$file" >"$dir/expected.jsonl" 2>"$dir/expected.err" || true
[ -s "$dir/expected.err" ] || rm -f "$dir/expected.err"
echo "$name: $file ($(stat -c %s "$dir/$file") bytes), $(wc -l <"$dir/expected.jsonl") lines"
