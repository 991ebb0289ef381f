-- shipdeck:no-transaction
-- Safe to run again after a partial failure.
SET lock_timeout = '2s';
SET statement_timeout = '1h';
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);
