#!/usr/bin/env python3
"""Times Shipdeck's migrations against sqlx-cli, dbmate and squawk on the
workspace run.sh prepared, checks every result, prints medians and ratios.

    measure.py WORKSPACE DBMATE_DIR SHIPDECK SQLX DBMATE SQUAWK N

Environment: PG (server URL without a database), PSQL_ADMIN (the maintenance
database's URL), SHIPDECK_DATA_DIR, UP_RUNS, STATUS_RUNS, LINT_RUNS.
Databases are named bench_mig_<tool>_<run>; run.sh drops them on exit.
"""
import json
import os
import statistics
import subprocess
import sys
import time

ws, dbmate_dir, shipdeck, sqlx, dbmate, squawk = sys.argv[1:7]
n = int(sys.argv[7])
pg = os.environ["PG"]
admin = os.environ["PSQL_ADMIN"]
up_runs = int(os.environ.get("UP_RUNS", 3))
status_runs = int(os.environ.get("STATUS_RUNS", 10))
lint_runs = int(os.environ.get("LINT_RUNS", 5))
TOOLS = ["shipdeck", "sqlx", "dbmate"]


def fail(msg):
    print(f"bench/migrations: FAILED: {msg}", file=sys.stderr)
    sys.exit(1)


def psql(sql, url=admin):
    r = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
                       capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"psql {sql!r}: {r.stderr.strip()}")
    return r.stdout.strip()


def url(db):
    # The same URL for all three (dbmate's driver would try TLS otherwise).
    return f"{pg}/{db}?sslmode=disable"


def fresh_db(db):
    psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{db}"')
    return url(db)


def argv(tool, op, u):
    """The command line of one operation; Shipdeck reads the URL from
    DATABASE_URL (`url = "env:DATABASE_URL"` in shipdeck.toml)."""
    if tool == "shipdeck":
        return [shipdeck, "-C", ws, "migrate", op, "--json"], dict(os.environ, DATABASE_URL=u)
    if tool == "sqlx":
        return [sqlx, "migrate", {"up": "run", "status": "info"}[op], "--source", os.path.join(ws, "migrations"),
                "--database-url", u], None
    return [dbmate, "--url", u, "--migrations-dir", dbmate_dir, "--no-dump-schema", op], None


def timed(cmd, env=None, ok=(0,), cwd=None):
    t = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t
    if r.returncode not in ok:
        fail(f"{' '.join(cmd[:6])} … exited {r.returncode}: {r.stderr.strip()[-600:]}")
    return dt


def check_applied(tool, db):
    """Fail loudly unless all N migrations are recorded as applied."""
    if tool == "dbmate":
        got = psql("SELECT count(*) FROM schema_migrations", url(db))
    else:
        got = psql("SELECT count(*) FROM _sqlx_migrations WHERE success", url(db))
    if got != str(n):
        fail(f"{tool} up on {db}: {got} applied migrations recorded, expected {n}")
    last = psql(f"SELECT count(*) FROM pg_tables WHERE tablename = 't_{(n - 1) // 5:04d}'", url(db))
    if last != "1":
        fail(f"{tool} up on {db}: the last migration's table is missing")


def out(cmd, env=None, ok=(0,)):
    r = subprocess.run(cmd, cwd=ws, env=env, capture_output=True, text=True)
    if r.returncode not in ok:
        fail(f"{' '.join(cmd[:6])} … exited {r.returncode}: {(r.stderr or r.stdout).strip()[-600:]}")
    return r.stdout


def check_status_output(migrated):
    s = json.loads(out(*argv("shipdeck", "status", url(migrated["shipdeck"]))))
    applied = sum(1 for m in s["migrations"] if m["applied"] and m["checksum"] == "ok" and not m["dirty"])
    if applied != n or len(s["migrations"]) != n:
        fail(f"shipdeck migrate status: {applied} of {len(s['migrations'])} applied and unchanged, expected {n}")
    # Interop both ways: each tool's info agrees with the rows the other one wrote.
    for tool in ("shipdeck", "sqlx"):
        info = out(*argv("sqlx", "status", url(migrated[tool])))
        ok = sum(1 for line in info.splitlines() if "/installed" in line and "different checksum" not in line)
        if ok != n:
            fail(f"sqlx migrate info on {tool}'s database: {ok} installed with the same checksum, expected {n}")
    s = json.loads(out(*argv("shipdeck", "status", url(migrated["sqlx"]))))
    if sum(1 for m in s["migrations"] if m["applied"] and m["checksum"] == "ok") != n:
        fail("shipdeck migrate status on sqlx's database does not see every migration applied and unchanged")
    st = out(*argv("dbmate", "status", url(migrated["dbmate"])))
    if f"Applied: {n}" not in st or "Pending: 0" not in st:
        fail(f"dbmate status: {st.strip().splitlines()[-2:]}")


# Warm-up: page cache for every binary, Shipdeck's data folder (its store).
warm = fresh_db("bench_mig_warm")
for cmd, env in (([shipdeck, "--version"], None), ([sqlx, "--version"], None), ([dbmate, "--version"], None),
                 ([squawk, "--version"], None), argv("shipdeck", "status", warm)):
    timed(cmd, env)
psql('DROP DATABASE "bench_mig_warm" WITH (FORCE)')

# 1. up from an empty database: a fresh one for every run; tools take turns,
# in a rotating order; only the last migrated database of each tool is kept.
up = {t: [] for t in TOOLS}
migrated = {}
for r in range(up_runs):
    for tool in TOOLS[r % 3:] + TOOLS[:r % 3]:
        db = f"bench_mig_{tool}_{r}"
        u = fresh_db(db)
        up[tool].append(timed(*argv(tool, "up", u), cwd=ws))
        check_applied(tool, db)
        if tool in migrated:
            psql(f'DROP DATABASE "{migrated[tool]}" WITH (FORCE)')
        migrated[tool] = db
check_status_output(migrated)

# 2. status on the migrated databases, alternating.
status = {t: [] for t in TOOLS}
for _ in range(status_runs):
    for tool in TOOLS:
        status[tool].append(timed(*argv(tool, "status", url(migrated[tool])), cwd=ws))

# 3. lint of the same files: Shipdeck against squawk.
files = sorted(os.path.join(ws, "migrations", f) for f in os.listdir(os.path.join(ws, "migrations")))
lint_cmd, lint_env = argv("shipdeck", "lint", url(migrated["shipdeck"]))
ours_findings = len(json.loads(out(lint_cmd, lint_env, ok=(0, 1)))["findings"])
squawk_cmd = [squawk, "--reporter", "json", *files]
r = subprocess.run(squawk_cmd, cwd=ws, capture_output=True, text=True)
try:
    squawk_findings = len(json.loads(r.stdout))
except ValueError:
    fail(f"squawk exited {r.returncode} without a JSON report: {r.stderr.strip()[-400:]}")
lint = {"shipdeck": [], "squawk": []}
for _ in range(lint_runs):
    lint["shipdeck"].append(timed(lint_cmd, lint_env, ok=(0, 1), cwd=ws))
    lint["squawk"].append(timed(squawk_cmd, None, ok=(0, 1), cwd=ws))

med = lambda xs: statistics.median(xs) if xs else None  # noqa: E731
server = psql("SHOW server_version").split()[0]
print(f"bench/migrations: {n} migrations, PostgreSQL {server}; medians of {up_runs} (up, a fresh database each), "
      f"{status_runs} (status), {lint_runs} (lint); {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f} at the end")
print(f"{'':26}{'shipdeck':>10}{'sqlx':>9}{'dbmate':>9}{'squawk':>9}{'ratio':>8}   goal (vs the faster peer)")


def row(label, ours, peers, goal):
    cells = {"sqlx": "", "dbmate": "", "squawk": ""}
    for k, v in peers.items():
        cells[k] = f"{v:.3f}"
    best = min(peers.values())
    ratio = f"{ours / best:.2f}x"
    verdict = "PASS" if ours <= goal * best else "MISS"
    ours_s = f"{ours:.3f}"
    print(f"{label:26}{ours_s:>10}{cells['sqlx']:>9}{cells['dbmate']:>9}{cells['squawk']:>9}{ratio:>8}"
          f"   <= {goal}x {verdict}")


row("migrate up (s)", med(up["shipdeck"]), {"sqlx": med(up["sqlx"]), "dbmate": med(up["dbmate"])}, 1.0)
row("migrate status (s)", med(status["shipdeck"]), {"sqlx": med(status["sqlx"]), "dbmate": med(status["dbmate"])},
    0.5)
row("migrate lint (s)", med(lint["shipdeck"]), {"squawk": med(lint["squawk"])}, 1.0)
print(f"checked: {n} rows in _sqlx_migrations (shipdeck, sqlx) and schema_migrations (dbmate) after every up; "
      "sqlx and shipdeck agree on each other's databases")
print(f"lint findings: shipdeck {ours_findings}, squawk {squawk_findings}")
print("samples (s): " + "; ".join(
    f"{op} {tool} " + " ".join(f"{x:.3f}" for x in xs)
    for op, d in (("up", up), ("status", status), ("lint", lint)) for tool, xs in d.items() if xs))
