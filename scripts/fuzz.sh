#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset: clang-16, ASan + UBSan) and runs each for
# SECONDS (default 30), seeded with the committed binlog fixtures. A crash, hang or sanitizer
# report fails the run and leaves the input in build/fuzz/crashes/.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
seconds=${1:-30}
cmake --preset fuzz >/dev/null
targets=$(sed -n 's/^foreach(target \(.*\))$/\1/p' tests/fuzz/CMakeLists.txt)
cmake --build --preset fuzz -j "$(nproc)" --target $targets | tail -1
corpus=build/fuzz/corpus
mkdir -p "$corpus" build/fuzz/crashes
for t in $targets; do
  mkdir -p "$corpus/$t"
  # Seeds: the target's committed corpus (tests/data/fuzz_corpus/NAME without the fuzz_ prefix) when
  # there is one, else every committed binlog fixture (decoders meet real events first, then mutations).
  seeds=tests/data/fuzz_corpus/${t#fuzz_}
  if [ -d "$seeds" ]; then
    cp "$seeds"/* "$corpus/$t/"
  else
    find tests/data -type f \( -name 'binlog.*' -o -name 'mysql-bin.*' -o -name '*.bin' \) -exec cp {} "$corpus/$t/" \;
  fi
  echo "fuzz: $t for ${seconds}s" >&2
  build/fuzz/tests/fuzz/$t -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix=build/fuzz/crashes/$t- "$corpus/$t" 2>build/fuzz/$t.log || {
      echo "fuzz: $t FAILED; see build/fuzz/$t.log and build/fuzz/crashes/" >&2; tail -30 build/fuzz/$t.log >&2; exit 1; }
  grep -h '^Done' build/fuzz/$t.log >&2 || true
done
