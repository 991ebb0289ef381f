-- Looks safe, but Shipdeck runs this file in a transaction (it has no
-- no-transaction marker), where PostgreSQL refuses CONCURRENTLY.
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email); -- expect: ban-concurrent-index-creation-in-transaction
