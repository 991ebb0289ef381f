-- Migrations: every apply, rollback, repair and baseline Shipdeck ran on a
-- workspace's databases, and the SQL of migrations as they were applied
-- (content-addressed by checksum) to diff a file that changed since.

CREATE TABLE migration_runs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    at           INTEGER NOT NULL,
    actor        TEXT NOT NULL,
    database     TEXT NOT NULL,
    url          TEXT NOT NULL,                 -- password masked
    action       TEXT NOT NULL CHECK (action IN ('up', 'down', 'repair', 'baseline')),
    outcome      TEXT NOT NULL CHECK (outcome IN ('ok', 'failed', 'cancelled', 'dry_run')),
    versions     TEXT NOT NULL DEFAULT '[]',    -- JSON array of the versions it touched
    detail       TEXT NOT NULL DEFAULT '{}'     -- JSON
);
CREATE INDEX migration_runs_recent ON migration_runs (workspace_id, database, at DESC);

CREATE TABLE applied_sql (
    checksum TEXT PRIMARY KEY,                  -- hex SHA-384 of the file
    sql      TEXT NOT NULL
) WITHOUT ROWID;
