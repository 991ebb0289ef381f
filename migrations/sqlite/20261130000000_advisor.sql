-- Advisor: every run of a database's checks with its findings (for each
-- finding's history and the charts), and the findings a user dismissed.
-- Query texts are the statistics views' normalised ones (literals replaced
-- by placeholders); never a URL.

CREATE TABLE advisor_runs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    database     TEXT NOT NULL,           -- the configured name, never the URL
    engine       TEXT NOT NULL,
    at           INTEGER NOT NULL,
    duration_ms  INTEGER NOT NULL,
    checks       TEXT NOT NULL DEFAULT '[]', -- JSON: the check ids that ran
    notices      TEXT NOT NULL DEFAULT '[]', -- JSON: checks that could not run, with how to enable them
    findings     INTEGER NOT NULL,
    metrics      TEXT NOT NULL DEFAULT '{}'  -- JSON: cache hit %, top queries, table sizes
);
CREATE INDEX advisor_runs_recent ON advisor_runs (workspace_id, database, at DESC);

CREATE TABLE advisor_findings (
    run_id   INTEGER NOT NULL REFERENCES advisor_runs(id) ON DELETE CASCADE,
    key      TEXT NOT NULL,
    check_id TEXT NOT NULL,
    severity TEXT NOT NULL,
    detail   TEXT NOT NULL,               -- JSON: the finding
    PRIMARY KEY (run_id, key)
);
CREATE INDEX advisor_findings_by_key ON advisor_findings (key, run_id);

CREATE TABLE advisor_dismissals (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    database     TEXT NOT NULL,
    key          TEXT NOT NULL,
    check_id     TEXT NOT NULL,
    reason       TEXT NOT NULL,
    actor        TEXT NOT NULL,
    at           INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, database, key)
);
