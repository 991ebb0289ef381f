-- A team shares one store: every job, release event and audit entry says who
-- (the OS account) and on which machine. Running jobs beat a heartbeat so a
-- client on another machine can tell a run whose process died.
ALTER TABLE job_runs ADD COLUMN user_name TEXT;
ALTER TABLE job_runs ADD COLUMN host TEXT;
ALTER TABLE job_runs ADD COLUMN heartbeat_at INTEGER;
ALTER TABLE release_events ADD COLUMN host TEXT;
ALTER TABLE bench_runs ADD COLUMN host TEXT;

-- The audit log names the area, what was acted on (database, environment,
-- package) and the outcome as columns, so it can be filtered.
ALTER TABLE audit_log ADD COLUMN host TEXT;
ALTER TABLE audit_log ADD COLUMN area TEXT;
ALTER TABLE audit_log ADD COLUMN target TEXT;
ALTER TABLE audit_log ADD COLUMN outcome TEXT;
CREATE INDEX audit_log_at ON audit_log (at DESC);

-- Rows copied from another store (`store migrate-to`, `store import`), so a
-- second copy skips them: the source store's id, the table and the row's key
-- there, and its key here.
CREATE TABLE store_imports (
    source_store TEXT NOT NULL,
    table_name   TEXT NOT NULL,
    source_key   TEXT NOT NULL,
    target_key   TEXT NOT NULL,
    PRIMARY KEY (source_store, table_name, source_key)
);
