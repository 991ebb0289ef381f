-- Environments: every parity and health run, with per-environment figures
-- (never a value) to chart parity and health over time.

CREATE TABLE env_runs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    at           INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('parity', 'health')),
    score        REAL,                      -- parity: % of keys consistent everywhere
    errors       INTEGER NOT NULL DEFAULT 0,
    warnings     INTEGER NOT NULL DEFAULT 0,
    detail       TEXT NOT NULL DEFAULT '{}' -- JSON: {"<env>": {...figures...}}
);
CREATE INDEX env_runs_recent ON env_runs (workspace_id, kind, at DESC);
