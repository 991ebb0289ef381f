-- Bundle size: every `bundle analyze` run with the commit, branch and
-- release tags it measured, and its figures per route (what `--base REF`
-- compares with and the history charts draw).

CREATE TABLE bundle_runs (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id      TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    recorded_at       INTEGER NOT NULL,
    commit_sha        TEXT,                    -- HEAD when analysed; NULL outside git or before the first commit
    branch            TEXT,
    tags              TEXT NOT NULL DEFAULT '[]', -- tags pointing at the commit
    framework         TEXT NOT NULL,           -- next | vite | webpack | esbuild | rollup
    version           TEXT,
    dir               TEXT NOT NULL,           -- the build folder, relative to the workspace
    passed            INTEGER NOT NULL,        -- every budget held
    total_bytes       INTEGER NOT NULL,        -- every chunk, raw
    total_gzip_bytes  INTEGER NOT NULL,
    shared_bytes      INTEGER NOT NULL,
    shared_gzip_bytes INTEGER NOT NULL,
    packages          TEXT NOT NULL DEFAULT '[]' -- the largest packages, JSON [{name, bytes}]
);
CREATE INDEX bundle_runs_recent ON bundle_runs (workspace_id, recorded_at DESC);
CREATE INDEX bundle_runs_commit ON bundle_runs (workspace_id, commit_sha);

CREATE TABLE bundle_routes (
    run_id                   INTEGER NOT NULL REFERENCES bundle_runs(id) ON DELETE CASCADE,
    route                    TEXT NOT NULL,
    router                   TEXT NOT NULL,
    first_load_js_bytes      INTEGER NOT NULL,
    first_load_js_gzip_bytes INTEGER NOT NULL,
    size_bytes               INTEGER NOT NULL,
    size_gzip_bytes          INTEGER NOT NULL,
    PRIMARY KEY (run_id, route)
) WITHOUT ROWID;
