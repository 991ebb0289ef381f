#!/usr/bin/env bash
# Migrations on the local PostgreSQL: 1,000 small generated migrations (gen.py),
# our release build against sqlx-cli 0.8.6, dbmate 2.36.0 and squawk 2.70.0 in
# the same run (measure.py), with medians and ratios to the faster peer:
#
#   * up from an empty database (a fresh one per run): shipdeck migrate up vs
#     sqlx migrate run vs dbmate up; every run is checked (N rows recorded);
#   * status on the migrated databases: shipdeck migrate status vs
#     sqlx migrate info vs dbmate status;
#   * lint of the same files: shipdeck migrate lint vs squawk --reporter json.
#
#   bench/migrations/run.sh [MIGRATIONS]      (default 1000)
#
# Goals: status <= 0.5x, up <= 1.0x the faster peer; lint <= 1.0x squawk.
# Server: SHIPDECK_BENCH_PG (a server URL without a database, trust auth;
# maintenance database `test`) when set, else a private PostgreSQL 15 cluster
# (scripts/pg-cluster.sh) on a free port, removed at exit. It creates and drops
# bench_mig_* databases.
# Runs: UP_RUNS (3), STATUS_RUNS (10), LINT_RUNS (5).
# Shipdeck is measured as a release build (`cargo build --release -p
# shipdeck`, done here): a debug build's start-up alone costs more than the
# whole of sqlx's `info`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
n=${1:-1000}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/shipdeck-target}
tools=${SHIPDECK_TOOLS:-$HOME/.cache/shipdeck-tools}
# shellcheck source=scripts/tools.env
. "$root/scripts/tools.env"
sqlx=$tools/sqlx-cli-$SQLX_CLI_VERSION/bin/sqlx
squawk=$tools/venv/bin/squawk
dbmate=$tools/npm/node_modules/.bin/dbmate
for t in "$sqlx" "$squawk" "$dbmate"; do
  [ -x "$t" ] || { echo "$(basename "$t") missing ($t): run scripts/setup.sh --bench" >&2; exit 1; }
done
command -v psql >/dev/null || { echo "psql missing: install the PostgreSQL client" >&2; exit 1; }
cd "$root"
cargo build -q --release -p shipdeck
bin=$CARGO_TARGET_DIR/release/shipdeck

work=$(mktemp -d /tmp/shipdeck-bench-migrations.XXXXXX)
chmod 755 "$work" # a private cluster runs as the postgres OS user and must reach $work/pg
if [ -n "${SHIPDECK_BENCH_PG:-}" ]; then
  export PG=$SHIPDECK_BENCH_PG PSQL_ADMIN=$SHIPDECK_BENCH_PG/test
else
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  export PSQL_ADMIN
  PSQL_ADMIN=$(scripts/pg-cluster.sh start "$work/pg" "$port")
  export PG=${PSQL_ADMIN%/postgres}
fi
psql -X -q -d "$PSQL_ADMIN" -c 'SELECT 1' >/dev/null ||
  { echo "PostgreSQL is not reachable at $PSQL_ADMIN" >&2; exit 1; }

drop_dbs() {
  psql -X -q -A -t -d "$PSQL_ADMIN" \
    -c "SELECT datname FROM pg_database WHERE datname LIKE 'bench\_mig\_%'" |
    while read -r db; do
      [ -n "$db" ] && psql -X -q -d "$PSQL_ADMIN" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" || true
    done
}
trap 'drop_dbs; scripts/pg-cluster.sh destroy "$work/pg" || true; rm -rf "$work"' EXIT
drop_dbs  # left over from an interrupted run

ws=$work/ws
git init -q -b main "$ws"
cat >"$ws/shipdeck.toml" <<'TOML'
[databases.main]
url = "env:DATABASE_URL"
migrations = "migrations"
TOML
python3 bench/migrations/gen.py "$n" "$ws/migrations" "$work/dbmate"
export SHIPDECK_DATA_DIR=$work/data

python3 bench/migrations/measure.py "$ws" "$work/dbmate" "$bin" "$sqlx" "$dbmate" "$squawk" "$n"
