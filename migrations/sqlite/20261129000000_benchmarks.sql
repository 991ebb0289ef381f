-- Benchmarks: every run (load test, scenario, imported result) with the
-- commit, branch and machine it measured, and its metrics with samples.
-- A run is inserted as `running` and its metrics saved as they complete,
-- so a crash leaves a `partial` run, never a lost one.

CREATE TABLE bench_runs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    started_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    pid          INTEGER NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('running', 'ok', 'partial', 'failed')),
    source       TEXT NOT NULL,             -- http | scenario | k6 | oha | hyperfine | criterion | pytest_benchmark | bencher
    name         TEXT NOT NULL,
    commit_sha   TEXT,
    branch       TEXT,
    tags         TEXT NOT NULL DEFAULT '[]', -- release tags pointing at the commit
    machine      TEXT NOT NULL,
    detail       TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX bench_runs_recent ON bench_runs (workspace_id, started_at DESC);
CREATE INDEX bench_runs_commit ON bench_runs (workspace_id, commit_sha);

CREATE TABLE bench_metrics (
    run_id          INTEGER NOT NULL REFERENCES bench_runs(id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    unit            TEXT NOT NULL,
    lower_is_better INTEGER NOT NULL,
    value           REAL NOT NULL,
    stddev          REAL,
    n               INTEGER,
    samples         TEXT NOT NULL DEFAULT '[]', -- JSON array, capped
    PRIMARY KEY (run_id, name)
) WITHOUT ROWID;
