-- Release readiness: every completed `ready` run with its candidate, its
-- verdict, each area's check (the JSON contract's `checks`) and the
-- details the report and the view show.

CREATE TABLE readiness_runs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    at           INTEGER NOT NULL,          -- Unix milliseconds, when the run started
    duration_ms  INTEGER NOT NULL,
    version      TEXT,                      -- the candidate's version; NULL when nothing is releasable
    commit_sha   TEXT NOT NULL,             -- HEAD
    verdict      TEXT NOT NULL,             -- pass | warn | fail
    checks       TEXT NOT NULL,             -- JSON [{area, status, summary, command}]
    details      TEXT NOT NULL,             -- JSON [{area, level, lines, error}]
    changelog    TEXT                       -- the candidate's changelog section(s)
);
CREATE INDEX readiness_runs_recent ON readiness_runs (workspace_id, at DESC);
