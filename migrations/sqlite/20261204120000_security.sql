-- Security: code-scanning (SARIF) imports and their results, one row per
-- result fingerprint and workspace, linked to every import that held it
-- (new and fixed results are the difference of two imports). Secret and
-- vulnerability scans keep their counts in their job rows only.

CREATE TABLE security_sarif_imports (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    tool         TEXT NOT NULL,           -- the run's tool.driver.name
    commit_sha   TEXT,                    -- HEAD when imported; NULL in a repository without commits
    file         TEXT NOT NULL,           -- the imported file's name
    imported_at  INTEGER NOT NULL,
    results      INTEGER NOT NULL
);
CREATE INDEX security_sarif_imports_recent ON security_sarif_imports (workspace_id, tool, id DESC);

CREATE TABLE security_sarif_results (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    fingerprint  TEXT NOT NULL,
    tool         TEXT NOT NULL,
    rule_id      TEXT NOT NULL,
    level        TEXT NOT NULL,
    message      TEXT NOT NULL,
    file         TEXT,
    line         INTEGER,
    snippet      TEXT,
    first_import INTEGER NOT NULL REFERENCES security_sarif_imports(id) ON DELETE CASCADE,
    last_import  INTEGER NOT NULL REFERENCES security_sarif_imports(id) ON DELETE CASCADE,
    UNIQUE (workspace_id, fingerprint)
);

CREATE TABLE security_sarif_seen (
    import_id INTEGER NOT NULL REFERENCES security_sarif_imports(id) ON DELETE CASCADE,
    result_id INTEGER NOT NULL REFERENCES security_sarif_results(id) ON DELETE CASCADE,
    PRIMARY KEY (import_id, result_id)
);
