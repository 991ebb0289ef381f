-- Docs check: a page marked reviewed (`docs check --mark-reviewed PAGE`)
-- is fresh until a path it references changes after the commit it was
-- reviewed at. The newest review of a page replaces the one before.

CREATE TABLE docs_reviews (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    path         TEXT NOT NULL,     -- the page, relative to the workspace
    commit_sha   TEXT NOT NULL,     -- HEAD when reviewed
    reviewed_at  INTEGER NOT NULL,  -- unix milliseconds
    PRIMARY KEY (workspace_id, path)
);
