-- Releases: every plan, cut, publish and rollback, and a cache of parsed
-- commits (by sha) so planning a large history again is fast.

CREATE TABLE release_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    at           INTEGER NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL CHECK (action IN ('plan', 'cut', 'publish', 'rollback')),
    package      TEXT,
    version      TEXT,
    tag          TEXT,
    sha          TEXT,
    outcome      TEXT NOT NULL CHECK (outcome IN ('ok', 'failed', 'dry_run')),
    reason       TEXT,                          -- a manual version's or a rollback's why
    detail       TEXT NOT NULL DEFAULT '{}'     -- JSON
);
CREATE INDEX release_events_recent ON release_events (workspace_id, at DESC);

CREATE TABLE commit_cache (
    sha  TEXT PRIMARY KEY,
    data TEXT NOT NULL                          -- JSON of the parsed commit
) WITHOUT ROWID;
