-- shipdeck:no-transaction
-- Speeds up login lookups without blocking writes while the index builds.
SET lock_timeout = '2s';
SET statement_timeout = '1h';
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);
