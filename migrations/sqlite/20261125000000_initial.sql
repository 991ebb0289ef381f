-- Shipdeck's own store. Times are Unix epoch milliseconds (UTC).

CREATE TABLE workspaces (
    id              TEXT PRIMARY KEY,           -- stable: derived from the canonical root path
    root            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    first_opened_at INTEGER NOT NULL,
    last_opened_at  INTEGER NOT NULL
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE job_runs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id TEXT REFERENCES workspaces(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    started_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    outcome      TEXT NOT NULL DEFAULT 'running'
                 CHECK (outcome IN ('running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
    summary      TEXT,
    result       TEXT,                          -- JSON, kind-specific
    error        TEXT,                          -- JSON {code, message, hint}
    pid          INTEGER NOT NULL               -- to mark runs of a crashed process as interrupted
);
CREATE INDEX job_runs_recent ON job_runs (workspace_id, started_at DESC);
CREATE INDEX job_runs_kind ON job_runs (workspace_id, kind, outcome, started_at DESC);

-- Append-only: who did what, when, to which workspace.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           INTEGER NOT NULL,
    actor        TEXT NOT NULL,
    workspace_id TEXT,
    action       TEXT NOT NULL,
    detail       TEXT NOT NULL DEFAULT '{}'    -- JSON
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- Names of credentials kept in the OS keyring. Never their values.
CREATE TABLE credentials (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, name)
);
