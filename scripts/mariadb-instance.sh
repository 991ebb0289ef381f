#!/usr/bin/env bash
# A private MariaDB server for tests and benchmarks, from Debian's binaries
# (mariadb-server; scripts/setup.sh installs it). Same shape as pg-cluster.sh:
#
#   scripts/mariadb-instance.sh start DIR PORT  # install the system tables when
#                                               # DIR holds none, start, wait until
#                                               # ready, print the URL
#   scripts/mariadb-instance.sh stop DIR        # shut down; nothing to do is fine
#   scripts/mariadb-instance.sh destroy DIR     # stop, then remove DIR
#
# Layout: DIR/data (the datadir), DIR/log/error.log, DIR/mariadbd.pid,
# DIR/mariadbd.sock. The server reads no option file (--no-defaults), listens
# on 127.0.0.1:PORT only, and `root` has an empty password (normal
# authentication, so GRANTs and other users work). Durability is relaxed:
# throw-away data.
#
# mariadbd refuses to run as root: as root the binaries run as the `mysql` OS
# user (runuser), so DIR must be somewhere that user can reach (under /tmp).
set -euo pipefail

INSTANCE=mariadb-instance
# shellcheck source=scripts/lib/instance.sh
. "$(dirname "$0")/lib/instance.sh"

OWNER=mysql

# The pid of the running server of DIR, if any.
server_pid() {
  local pid
  pid=$(cat "$1/mariadbd.pid" 2>/dev/null || true)
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = mariadbd ] || return 1
  printf '%s\n' "$pid"
}

# Whether the server of DIR answers on 127.0.0.1:PORT (and not another one
# that holds the port).
ping() {
  local datadir
  datadir=$(mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P "$2" -u root \
    --connect-timeout=2 -N -B -e 'SELECT @@datadir' 2>/dev/null) || return 1
  [ "${datadir%/}" = "$1/data" ]
}

cmd_start() {
  [ $# -eq 2 ] || usage
  local dir port data log url pid
  dir=$(resolve_dir "$1")
  port=$2
  if ! [[ $port =~ ^[0-9]{4,5}$ ]] || [ "$port" -lt 1024 ] || [ "$port" -gt 65535 ]; then
    die "PORT must be a number from 1024 to 65535, not '$port'"
  fi
  command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] ||
    die "mariadbd is missing: run scripts/setup.sh (or apt-get install -y mariadb-server)"
  local mariadbd
  mariadbd=$(command -v mariadbd || echo /usr/sbin/mariadbd)
  data=$dir/data
  log=$dir/log/error.log
  url="mysql://root@127.0.0.1:$port/mysql"

  mkdir -p -- "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    id -u "$OWNER" >/dev/null 2>&1 || die "there is no '$OWNER' OS user: install mariadb-server"
    chown "$OWNER:" "$dir"
    as_owner test -w "$dir" -a -x "$dir" ||
      die "the '$OWNER' OS user cannot reach $dir (a parent folder is closed to it): use a folder under /tmp"
  fi
  as_owner mkdir -p -- "$dir/log"

  if pid=$(server_pid "$dir"); then
    ping "$dir" "$port" || die "the server in $dir (pid $pid) does not answer on port $port: stop it first"
    echo "$url"
    return 0
  fi

  if [ ! -d "$data/mysql" ]; then
    local out
    if ! out=$(as_owner mariadb-install-db --no-defaults --auth-root-authentication-method=normal \
      --skip-test-db --datadir="$data" 2>&1); then
      echo "$out" >&2
      die "mariadb-install-db failed for $data"
    fi
  fi

  : | as_owner tee "$log" >/dev/null
  # Detached from the caller: no inherited stdout/stderr (a test harness
  # waits for those to close), a session of its own.
  as_owner setsid "$mariadbd" --no-defaults --datadir="$data" --socket="$dir/mariadbd.sock" \
    --port="$port" --bind-address=127.0.0.1 --pid-file="$dir/mariadbd.pid" --log-error="$log" \
    --skip-name-resolve --innodb-buffer-pool-size=64M --innodb-flush-log-at-trx-commit=0 \
    --innodb-doublewrite=0 --skip-log-bin --max-connections=200 </dev/null >/dev/null 2>&1 &
  local child=$! i
  for i in $(seq 1 600); do
    if ping "$dir" "$port"; then
      echo "$url"
      return 0
    fi
    if ! kill -0 "$child" 2>/dev/null; then
      echo "mariadb-instance: the server did not start; the end of $log:" >&2
      tail -n 20 "$log" >&2 || true
      exit 1
    fi
    sleep 0.1
  done
  cmd_stop "$dir"
  die "the server did not answer on 127.0.0.1:$port within 60 s; see $log"
}

cmd_stop() {
  [ $# -eq 1 ] || usage
  local dir pid
  dir=$(resolve_dir "$1")
  pid=$(server_pid "$dir") || return 0 # not running: nothing to stop
  stop_pid "$pid" 600
}

dispatch "$@"
