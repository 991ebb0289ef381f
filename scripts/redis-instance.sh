#!/usr/bin/env bash
# A private Redis server for tests and benchmarks (Debian's redis-server;
# scripts/setup.sh installs it). Same shape as pg-cluster.sh:
#
#   scripts/redis-instance.sh start DIR PORT  # start, wait until ready, print the URL
#   scripts/redis-instance.sh stop DIR        # shut down; nothing to do is fine
#   scripts/redis-instance.sh destroy DIR     # stop, then remove DIR
#
# Layout: DIR/redis.pid, DIR/redis.log. The server listens on 127.0.0.1:PORT
# only, persists nothing (no RDB snapshots, no AOF) and has 64 databases, so
# that each test can take one of its own.
set -euo pipefail

INSTANCE=redis-instance
# shellcheck source=scripts/lib/instance.sh
. "$(dirname "$0")/lib/instance.sh"

# The pid of the running server of DIR, if any.
server_pid() {
  local pid
  pid=$(cat "$1/redis.pid" 2>/dev/null || true)
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = redis-server ] || return 1
  printf '%s\n' "$pid"
}

# The process id of the server that answers on 127.0.0.1:PORT.
answering_pid() {
  redis-cli -h 127.0.0.1 -p "$1" info server 2>/dev/null | sed -n 's/^process_id:\([0-9]*\).*/\1/p'
}

cmd_start() {
  [ $# -eq 2 ] || usage
  local dir port log url pid i
  dir=$(resolve_dir "$1")
  port=$2
  if ! [[ $port =~ ^[0-9]{4,5}$ ]] || [ "$port" -lt 1024 ] || [ "$port" -gt 65535 ]; then
    die "PORT must be a number from 1024 to 65535, not '$port'"
  fi
  command -v redis-server >/dev/null ||
    die "redis-server is missing: run scripts/setup.sh (or apt-get install -y redis-server)"
  log=$dir/redis.log
  url="redis://127.0.0.1:$port/0"
  mkdir -p -- "$dir"

  if pid=$(server_pid "$dir"); then
    redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 ||
      die "the server in $dir (pid $pid) does not answer on port $port: stop it first"
    echo "$url"
    return 0
  fi
  rm -f -- "$dir/redis.pid"
  : >"$log"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --databases 64 \
    --daemonize yes --pidfile "$dir/redis.pid" --dir "$dir" --logfile "$log" \
    </dev/null >/dev/null 2>&1 || die "redis-server did not start; see $log"
  for i in $(seq 1 300); do
    # Ours answers, not another server that holds the port.
    if pid=$(server_pid "$dir") && [ "$(answering_pid "$port")" = "$pid" ]; then
      echo "$url"
      return 0
    fi
    # A server that could not bind its port exits at once.
    if grep -q -e 'Address already in use' -e 'Could not create server TCP' "$log" 2>/dev/null; then
      echo "redis-instance: the server did not start; the end of $log:" >&2
      tail -n 5 "$log" >&2
      exit 1
    fi
    sleep 0.1
  done
  cmd_stop "$dir"
  die "the server did not answer on 127.0.0.1:$port within 30 s; see $log"
}

cmd_stop() {
  [ $# -eq 1 ] || usage
  local dir pid
  dir=$(resolve_dir "$1")
  pid=$(server_pid "$dir") || return 0 # not running: nothing to stop
  stop_pid "$pid" 300
}

dispatch "$@"
