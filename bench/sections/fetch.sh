# bench section "fetch", sourced by bench/run.sh (see its header for the helpers it provides).
printf '{"host":"127.0.0.1","port":%s,"user":"sluice","password":"sluicepw","server_id":777}' "$SLUICE_BENCH_PORT" \
  >"$work/fetch-config.json"
for _ in $(seq "$runs"); do
  rm -rf "$work/raw"; mkdir -p "$work/raw"
  measure mariadb-binlog-raw mariadb-binlog --read-from-remote-server --raw --host=127.0.0.1 --port="$SLUICE_BENCH_PORT" \
    --user=root --password=rootpw --result-file="$work/raw/" --to-last-log "${logs[0]}"
  measure sluice-stream "$sluice" binlog stream --config "$work/fetch-config.json" --from "${logs[0]}:4" --until-now
done
row "binlog fetch over loopback" mariadb-binlog-raw sluice-stream "${nrows:-$changes}"
