#!/usr/bin/env bash
# The DB advisor against PgHero's SQL on a 1,000-table PostgreSQL 15 database,
# in the same run:
#
#   (a) shipdeck advisor run --database-url URL --json   (the whole check suite)
#   (b) PgHero's SQL for the same checks, sent raw by `psql -X -q -f` (no Ruby,
#       no Rails: the floor of what PgHero's dashboard costs the database)
#
#   PGHERO_SRC=/path/to/pghero bash bench/advisor/run.sh [TABLES]   (default 1000)
#
# PGHERO_SRC is a PgHero source checkout, a work tree or a bare git directory;
# pghero_sql.py takes the SQL out of its lib/pghero/methods/*.rb at run time
# into this run's temporary folder (nothing of PgHero is stored here) and
# prints which methods were included and left out. The database (gen.py):
# TABLES tables of mixed shapes with indexes, foreign keys, duplicate, invalid
# and unused indexes, a nearly exhausted sequence, a few thousand rows in a
# handful of tables, ANALYZE, then a workload of ~400 statements so that
# pg_stat_statements and pg_qualstats have entries. It lives in a private
# cluster (scripts/pg-cluster.sh) on a free port, removed at exit.
#
# Goals: advisor <= 2 s, <= 1.5x the raw PgHero SQL. A missed goal prints
# MISSED and does not fail the script; a failing advisor run does. Exit 1 from
# the advisor with a JSON report is a run that found problems (like `migrate
# lint`), not a failure. Runs: WARMUP (2), RUNS (10); KEEP=1 keeps the
# temporary folder and the cluster (stopped).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tables=${1:-1000}
warmup=${WARMUP:-2}
runs=${RUNS:-10}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/shipdeck-target}

die() {
  echo "bench/advisor: $*" >&2
  exit 1
}
for t in hyperfine psql python3 git; do
  command -v "$t" >/dev/null || die "$t is missing: run scripts/setup.sh"
done
[ -n "${PGHERO_SRC:-}" ] || die "set PGHERO_SRC to a PgHero source checkout (work tree or bare git directory)"
[ -e "$PGHERO_SRC/lib/pghero/methods/indexes.rb" ] ||
  git --git-dir "$PGHERO_SRC" cat-file -e HEAD:lib/pghero/methods/indexes.rb 2>/dev/null ||
  die "PGHERO_SRC=$PGHERO_SRC holds no lib/pghero/methods/indexes.rb (neither a work tree nor a git directory of PgHero)"

cd "$root"
echo "== building shipdeck (release)"
cargo build -q --release --bin shipdeck
bin=$CARGO_TARGET_DIR/release/shipdeck

work=$(mktemp -d /tmp/shipdeck-bench-advisor.XXXXXX)
chmod 755 "$work" # the cluster runs as the postgres OS user and must reach $work/pg
cleanup() {
  if [ "${KEEP:-0}" = 1 ]; then
    scripts/pg-cluster.sh stop "$work/pg" || true
    echo "kept $work"
  else
    scripts/pg-cluster.sh destroy "$work/pg" || true
    rm -rf "$work"
  fi
}
trap cleanup EXIT
export SHIPDECK_DATA_DIR=$work/data

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
admin=$(scripts/pg-cluster.sh start "$work/pg" "$port")
url=${admin%/postgres}/bench_advisor
psql_on() { psql -X -q -v ON_ERROR_STOP=1 -d "$@"; }

echo "== database: $tables tables (private cluster on 127.0.0.1:$port)"
python3 bench/advisor/gen.py "$tables" "$work/gen"
psql_on "$admin" -c "CREATE DATABASE bench_advisor"
psql_on "$url" -c "CREATE EXTENSION pg_stat_statements; CREATE EXTENSION hypopg; CREATE EXTENSION pg_qualstats;"
start=$(date +%s%N)
psql_on "$url" -f "$work/gen/schema.sql" >/dev/null
psql_on "$url" -f "$work/gen/data.sql" >/dev/null
# Fails on purpose and leaves an invalid index behind.
if psql_on "$url" -f "$work/gen/invalid.sql" >/dev/null 2>&1; then
  die "the invalid-index step unexpectedly succeeded"
fi
psql_on "$url" -f "$work/gen/workload.sql" >/dev/null
psql_on "$url" -A -t -c "SELECT format('   %s tables, %s indexes (%s invalid), %s foreign keys, %s pg_stat_statements entries, %s pg_qualstats entries',
    (SELECT count(*) FROM pg_stat_user_tables), (SELECT count(*) FROM pg_stat_user_indexes),
    (SELECT count(*) FROM pg_index WHERE NOT indisvalid), (SELECT count(*) FROM pg_constraint WHERE contype = 'f'),
    (SELECT count(*) FROM pg_stat_statements), (SELECT count(*) FROM pg_qualstats))"
echo "   built in $((($(date +%s%N) - start) / 1000000)) ms"

echo "== PgHero's SQL (from $PGHERO_SRC)"
python3 bench/advisor/pghero_sql.py "$PGHERO_SRC" "$work/pghero.sql" "$work/pghero-counts.sql"
psql_on "$url" -f "$work/pghero.sql" >/dev/null || die "PgHero's SQL failed on the benchmark database"
echo "   rows per statement:"
psql_on "$url" -A -t -F ' ' -f "$work/pghero-counts.sql" | awk '{ printf "     %-26s %s\n", $1, $2 }'

echo "== shipdeck advisor run"
status=0
"$bin" advisor run --database-url "$url" --json >"$work/shipdeck.json" 2>"$work/shipdeck.err" || status=$?
if [ "$status" -gt 1 ] || ! python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); assert isinstance(r["findings"], list)' "$work/shipdeck.json" 2>/dev/null; then
  cat "$work/shipdeck.err" >&2
  die "shipdeck advisor run failed (exit $status, no JSON report)"
fi
python3 - "$work/shipdeck.json" "$status" <<'PY'
import collections, json, sys
r = json.load(open(sys.argv[1]))
by = collections.Counter(f.get("check", "?") for f in r["findings"])
print(f"   exit {sys.argv[2]}, {len(r['findings'])} findings: " + (", ".join(f"{c} {n}" for c, n in sorted(by.items())) or "none"))
PY

echo "== timing (hyperfine, $warmup warm-up + $runs runs each)"
q() { printf '%q' "$1"; }
hyperfine --style basic --warmup "$warmup" --runs "$runs" --export-json "$work/hyperfine.json" \
  -n "shipdeck advisor run" "$(q "$bin") advisor run --database-url $(q "$url") --json >/dev/null; [ \$? -le 1 ]" \
  -n "PgHero SQL via psql" "psql -X -q -v ON_ERROR_STOP=1 -f $(q "$work/pghero.sql") $(q "$url") >/dev/null" >"$work/hyperfine.txt" ||
  { cat "$work/hyperfine.txt"; die "hyperfine failed (a run of one of the commands failed)"; }

python3 - "$work/hyperfine.json" <<'PY'
import json, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
ours, raw = res["shipdeck advisor run"], res["PgHero SQL via psql"]
a, b = ours["median"], raw["median"]
ratio = a / b
ok = lambda good: "ok" if good else "MISSED"
print(f"{'':<24}{'median s':>10}{'min s':>9}{'max s':>9}")
for label, r in (("shipdeck advisor run", ours), ("PgHero SQL via psql", raw)):
    print(f"{label:<24}{r['median']:>10.3f}{r['min']:>9.3f}{r['max']:>9.3f}")
print(f"ratio shipdeck / raw: {ratio:.2f}x")
print(f"goal total <= 2 s:    {a:.3f} s  {ok(a <= 2.0)}")
print(f"goal <= 1.5x raw:     {ratio:.2f}x  {ok(ratio <= 1.5)}")
PY
