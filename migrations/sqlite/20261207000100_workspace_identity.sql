-- A workspace's id is its repository's identity (root commit and origin),
-- so two clones share one history. A workspace first recorded under the old
-- id (a hash of its path) moves to the new id when it is opened; the audit
-- log is append-only and keeps the old id, which this table maps to the new
-- one so the workspace's audit entries still show.
CREATE TABLE workspace_aliases (
    alias        TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL
);
