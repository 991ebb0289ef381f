#!/usr/bin/env bash
# A private PostgreSQL 15 cluster for tests and benchmarks, from Debian's
# binaries (postgresql-15, postgresql-15-hypopg, postgresql-15-pg-qualstats;
# scripts/setup.sh installs them).
#
#   scripts/pg-cluster.sh start DIR PORT   # initdb when DIR holds no cluster,
#                                          # start, wait until ready, print the URL
#   scripts/pg-cluster.sh stop DIR         # fast shutdown; nothing to do is fine
#   scripts/pg-cluster.sh destroy DIR      # stop, then remove DIR
#
# Layout: DIR/data (the cluster), DIR/log/postgresql.log (server log), the Unix
# socket in DIR. The server listens on 127.0.0.1:PORT only, trusts every local
# connection (no password) and preloads pg_stat_statements and pg_qualstats.
# Durability is off (fsync, synchronous_commit, full_page_writes): throw-away data.
#
# initdb refuses to run as root: as root the binaries run as the `postgres` OS
# user (runuser), so DIR must be somewhere that user can reach (under /tmp, not
# under /root). As any other user they run as that user.
set -euo pipefail

INSTANCE=pg-cluster
# shellcheck source=scripts/lib/instance.sh
. "$(dirname "$0")/lib/instance.sh"

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
OWNER=postgres

need_binaries() {
  local b
  for b in initdb pg_ctl pg_isready; do
    [ -x "$PG_BIN/$b" ] || die "$PG_BIN/$b is missing: run scripts/setup.sh (or apt-get install -y postgresql-15)"
  done
  local lib
  lib=$("$PG_BIN/pg_config" --pkglibdir 2>/dev/null || echo /usr/lib/postgresql/15/lib)
  [ -e "$lib/hypopg.so" ] || die "hypopg is missing: apt-get install -y postgresql-15-hypopg"
  [ -e "$lib/pg_qualstats.so" ] || die "pg_qualstats is missing: apt-get install -y postgresql-15-pg-qualstats"
}

# Exit status of `pg_ctl status`: 0 running, 3 not running, 4 no cluster.
cluster_status() {
  local data=$1 rc=0
  as_owner "$PG_BIN/pg_ctl" status -D "$data" >/dev/null 2>&1 || rc=$?
  return "$rc"
}

# The port a running cluster was started with (line 4 of postmaster.pid).
running_port() {
  sed -n 4p "$1/postmaster.pid" 2>/dev/null || true
}

cmd_start() {
  [ $# -eq 2 ] || usage
  local dir port data log url
  dir=$(resolve_dir "$1")
  port=$2
  if ! [[ $port =~ ^[0-9]{4,5}$ ]] || [ "$port" -lt 1024 ] || [ "$port" -gt 65535 ]; then
    die "PORT must be a number from 1024 to 65535, not '$port'"
  fi
  need_binaries
  data=$dir/data
  log=$dir/log/postgresql.log
  url="postgres://postgres@127.0.0.1:$port/postgres"
  # The socket path must fit in sockaddr_un (107 bytes).
  local sock="$dir/.s.PGSQL.$port"
  [ "${#sock}" -le 107 ] || die "DIR is too long for a Unix socket path ($sock): use a shorter one"

  mkdir -p -- "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    id -u "$OWNER" >/dev/null 2>&1 || die "there is no '$OWNER' OS user: install postgresql-15"
    chown "$OWNER:" "$dir"
    as_owner test -w "$dir" -a -x "$dir" ||
      die "the '$OWNER' OS user cannot reach $dir (a parent folder is closed to it): use a folder under /tmp"
  fi
  as_owner mkdir -p -- "$dir/log"

  if [ -f "$data/postmaster.pid" ] && cluster_status "$data"; then
    local running
    running=$(running_port "$data")
    [ "$running" = "$port" ] ||
      die "the cluster in $dir is already running on port $running, not $port: stop it first"
    as_owner "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -t 30 ||
      die "the cluster in $dir runs but does not accept connections; see $log"
    echo "$url"
    return 0
  fi

  if [ ! -f "$data/PG_VERSION" ]; then
    if [ -e "$data" ] && [ -n "$(ls -A -- "$data" 2>/dev/null)" ]; then
      die "$data is not empty but holds no cluster: remove it or choose another DIR"
    fi
    local out
    if ! out=$(as_owner "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust \
      --encoding=UTF8 --locale=C.UTF-8 --no-sync 2>&1); then
      echo "$out" >&2
      die "initdb failed for $data"
    fi
    as_owner tee "$data/pg_hba.conf" >/dev/null <<'HBA'
# pg-cluster.sh: a private throw-away cluster, trust for local connections only
local   all all              trust
host    all all 127.0.0.1/32 trust
HBA
    echo "include_if_exists 'pg-cluster.conf'" | as_owner tee -a "$data/postgresql.conf" >/dev/null
  fi
  if [ "$(cat "$data/PG_VERSION")" != 15 ]; then
    die "$data holds a cluster of PostgreSQL $(cat "$data/PG_VERSION"), not 15"
  fi

  # Rewritten at every start, so that the port may change between runs.
  as_owner tee "$data/pg-cluster.conf" >/dev/null <<CONF
# Written by scripts/pg-cluster.sh at every start.
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 100
shared_buffers = 128MB
fsync = off
synchronous_commit = off
full_page_writes = off
shared_preload_libraries = 'pg_stat_statements,pg_qualstats'
pg_stat_statements.track = all
# Every query sampled (the default samples 1/max_connections): deterministic tests.
pg_qualstats.sample_rate = 1
log_destination = 'stderr'
logging_collector = off
log_min_messages = warning
CONF

  if ! as_owner "$PG_BIN/pg_ctl" start -D "$data" -l "$log" -w -t 60 -s >/dev/null 2>&1; then
    echo "pg-cluster: the server did not start; the end of $log:" >&2
    tail -n 20 "$log" >&2 || true
    exit 1
  fi
  as_owner "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -t 30 ||
    die "the server started but does not accept connections on 127.0.0.1:$port; see $log"
  echo "$url"
}

cmd_stop() {
  [ $# -eq 1 ] || usage
  local dir data rc=0
  dir=$(resolve_dir "$1")
  data=$dir/data
  [ -f "$data/PG_VERSION" ] || return 0 # no cluster there: nothing to stop
  [ -f "$data/postmaster.pid" ] || return 0
  cluster_status "$data" || rc=$?
  [ "$rc" -eq 0 ] || return 0 # not running (a stale pid file is fine)
  as_owner "$PG_BIN/pg_ctl" stop -D "$data" -m fast -w -t 60 -s ||
    die "could not stop the cluster in $dir; see $dir/log/postgresql.log"
}

dispatch "$@"
