#!/usr/bin/env bash
# Starts and stops throwaway OpenSSH servers on loopback: bastions for the SSH tunnel tests.
#
#   sshserver.sh start NAME [-- extra sshd -o options]   prints `export VAR=...` lines
#   sshserver.sh stop NAME | stop-all
#
# Keys (made once per NAME, ed25519): host_key (the bastion's), user_key (authorized),
# user_key_pass (authorized, passphrase "tunnelpass"), other_key (not authorized), and
# known_hosts with the bastion's host key. Public-key authentication only, as the user running
# the script. Extra options go last (e.g. -- AllowTcpForwarding=no). Starting a NAME that is
# running restarts it.
# Exported: SLUICE_SSH_<NAME>_PORT and SLUICE_SSH_<NAME>_DIR. NAME is upper-cased, '-' -> '_'.
set -euo pipefail
root=${SLUICE_TEST_ROOT:-/tmp/sluice-test}/ssh

die() { echo "sshserver: $*" >&2; exit 1; }
free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
var_name() { echo "$1" | tr 'a-z-' 'A-Z_'; }

make_keys() {  # DIR
  local d=$1
  [ -f "$d/.keys" ] && return 0
  ssh-keygen -q -t ed25519 -N '' -f "$d/host_key" -C sluice-test-host
  ssh-keygen -q -t ed25519 -N '' -f "$d/user_key" -C sluice-test-user
  ssh-keygen -q -t ed25519 -N 'tunnelpass' -f "$d/user_key_pass" -C sluice-test-user-pass
  ssh-keygen -q -t ed25519 -N '' -f "$d/other_key" -C sluice-test-other
  cat "$d/user_key.pub" "$d/user_key_pass.pub" > "$d/authorized_keys"
  chmod 600 "$d/authorized_keys" "$d"/*_key "$d/user_key_pass"
  touch "$d/.keys"
}

start() {
  local name=$1; shift
  [ "${1:-}" = "--" ] && shift
  local d=$root/$name port
  stop "$name"  # one left over by a crashed test run
  command -v /usr/sbin/sshd >/dev/null || die "/usr/sbin/sshd is missing: run scripts/install-deps.sh (openssh-server)"
  mkdir -p "$d" /run/sshd
  make_keys "$d"
  port=$(free_port)
  local extra=()
  for o in "$@"; do extra+=(-o "$o"); done
  setsid /usr/sbin/sshd -D -e -p "$port" -h "$d/host_key" -o ListenAddress=127.0.0.1 \
    -o AuthorizedKeysFile="$d/authorized_keys" -o PidFile="$d/pid" -o UsePAM=no -o StrictModes=no \
    -o PasswordAuthentication=no -o KbdInteractiveAuthentication=no -o PermitRootLogin=prohibit-password \
    "${extra[@]}" </dev/null >/dev/null 2>"$d/sshd.log" &
  local deadline=$((SECONDS + 20))
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || die "sshd $name did not start: $(tail -3 "$d/sshd.log")"
    sleep 0.05
  done
  echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$d/host_key.pub")" > "$d/known_hosts"
  echo "$port" > "$d/port"
  local v; v=$(var_name "$name")
  echo "export SLUICE_SSH_${v}_PORT=$port"
  echo "export SLUICE_SSH_${v}_DIR=$d"
}

stop() {
  local d=$root/$1
  [ -f "$d/pid" ] || return 0
  local pid; pid=$(cat "$d/pid")
  kill "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 10))
  while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.05; done
  rm -f "$d/pid"
}

case "${1:-}" in
  start) [ $# -ge 2 ] || die "usage: sshserver.sh start NAME [-- OPTION=VALUE ...]"; shift; start "$@" ;;
  stop) [ $# -eq 2 ] || die "usage: sshserver.sh stop NAME"; stop "$2" ;;
  stop-all) for d in "$root"/*/; do [ -d "$d" ] && stop "$(basename "$d")"; done ;;
  *) die "usage: sshserver.sh start NAME [-- OPTION=VALUE ...] | stop NAME | stop-all" ;;
esac
