-- Coverage: every `coverage report` run with the commit, branch and release
-- tags it measured, its merged line totals, each area against its
-- threshold and each report's totals as its tool states them.

CREATE TABLE coverage_runs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    at            INTEGER NOT NULL,
    commit_sha    TEXT,
    branch        TEXT,
    tags          TEXT NOT NULL DEFAULT '[]', -- release tags pointing at the commit
    passed        INTEGER NOT NULL,
    lines_covered INTEGER NOT NULL,           -- every report's files, merged
    lines_total   INTEGER NOT NULL
);
CREATE INDEX coverage_runs_recent ON coverage_runs (workspace_id, at DESC);

CREATE TABLE coverage_run_areas (
    run_id        INTEGER NOT NULL REFERENCES coverage_runs(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    lines_covered INTEGER NOT NULL,
    lines_total   INTEGER NOT NULL,
    lines_pct     REAL NOT NULL,
    threshold     REAL NOT NULL,
    passed        INTEGER NOT NULL,
    PRIMARY KEY (run_id, name)
) WITHOUT ROWID;

CREATE TABLE coverage_run_reports (
    run_id            INTEGER NOT NULL REFERENCES coverage_runs(id) ON DELETE CASCADE,
    ord               INTEGER NOT NULL,
    path              TEXT NOT NULL,
    format            TEXT NOT NULL,
    lines_covered     INTEGER NOT NULL,
    lines_total       INTEGER NOT NULL,
    branches_covered  INTEGER,              -- NULL: the report has no branch data
    branches_total    INTEGER,
    PRIMARY KEY (run_id, ord)
) WITHOUT ROWID;
