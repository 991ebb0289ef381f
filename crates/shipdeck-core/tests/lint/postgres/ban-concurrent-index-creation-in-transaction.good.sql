-- shipdeck:no-transaction
-- The no-transaction marker lets CONCURRENTLY run.
SET lock_timeout = '2s';
SET statement_timeout = '1h';
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);
