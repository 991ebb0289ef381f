-- Rollback: the schema each release expects, recorded at cut and publish
-- (the highest migration in the tree at the release commit), and the
-- rollback runs with each step's outcome ("last rehearsed" in the runbook).

CREATE TABLE release_schema (
    workspace_id      TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    package           TEXT NOT NULL,
    version           TEXT NOT NULL,
    database          TEXT NOT NULL,    -- the name under [databases]
    migration_version INTEGER NOT NULL, -- 0: no migration yet
    recorded_at       INTEGER NOT NULL, -- unix milliseconds
    PRIMARY KEY (workspace_id, package, version, database)
);

CREATE TABLE rollback_runs (
    id           INTEGER PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    job_id       INTEGER,
    env          TEXT NOT NULL,
    from_version TEXT,
    to_version   TEXT NOT NULL,
    completed    INTEGER NOT NULL,  -- 1 when every step ran and verify saw `to`
    steps        TEXT NOT NULL,     -- JSON: [{kind, status, duration_ms}]
    started_at   INTEGER NOT NULL,  -- unix milliseconds
    finished_at  INTEGER NOT NULL
);

CREATE INDEX rollback_runs_by_env ON rollback_runs (workspace_id, env, finished_at);
