# bench section "decode", sourced by bench/run.sh (see its header for the helpers it provides).
nrows=$("$sluice" binlog read "${files[@]}" 2>/dev/null | wc -l || echo 0)
[ "$nrows" -gt 0 ] || nrows=$changes
for _ in $(seq "$runs"); do
  measure mariadb-binlog mariadb-binlog --verbose --base64-output=DECODE-ROWS "${files[@]}"
  measure sluice-read "$sluice" binlog read "${files[@]}"
done
row "binlog decode (file → JSON lines)" mariadb-binlog sluice-read "$nrows"
