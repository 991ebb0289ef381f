# shellcheck shell=bash
# What scripts/pg-cluster.sh, mariadb-instance.sh and redis-instance.sh share:
# messages, running as the server's OS user, the instance folder, stopping a
# pid, and the `start DIR PORT | stop DIR | destroy DIR` dispatch. The sourcing
# script sets INSTANCE (its name, for messages) and OWNER (the OS user its
# server runs as when started by root; empty: the caller), and defines
# cmd_start and cmd_stop.

die() {
  echo "$INSTANCE: $*" >&2
  exit 1
}

usage() {
  echo "usage: $0 start DIR PORT | stop DIR | destroy DIR" >&2
  exit 2
}

# Runs a command as the server's owner: servers refuse to run as root.
as_owner() {
  if [ -n "${OWNER:-}" ] && [ "$(id -u)" -eq 0 ]; then
    runuser -u "$OWNER" -- "$@"
  else
    "$@"
  fi
}

# An absolute path for DIR, refusing the obviously wrong ones.
resolve_dir() {
  local dir=$1
  [ -n "$dir" ] || die "DIR is empty"
  dir=$(realpath -m -- "$dir")
  case $dir in
    / | /tmp | /var | /var/tmp | /home | /root | /usr | /etc) die "refusing to use $dir as an instance folder" ;;
  esac
  printf '%s\n' "$dir"
}

# stop_pid PID TENTHS: SIGTERM, then SIGKILL after TENTHS tenths of a second.
stop_pid() {
  local pid=$1 tenths=$2 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 "$tenths"); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

cmd_destroy() {
  [ $# -eq 1 ] || usage
  local dir
  dir=$(resolve_dir "$1")
  cmd_stop "$dir"
  rm -rf -- "$dir"
}

# dispatch "$@": runs the command the script was given.
dispatch() {
  [ $# -ge 1 ] || usage
  local command=$1
  shift
  case $command in
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    destroy) cmd_destroy "$@" ;;
    *) usage ;;
  esac
}
