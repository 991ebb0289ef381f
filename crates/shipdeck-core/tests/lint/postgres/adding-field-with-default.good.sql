-- Constant (and stable, like now()) defaults are stored once, without
-- touching rows (PostgreSQL 11+).
SET lock_timeout = '2s';
SET statement_timeout = '5min';
ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';
ALTER TABLE users ADD COLUMN signed_up_at timestamptz DEFAULT now();
ALTER TABLE users ADD COLUMN first_seen date DEFAULT current_date;
ALTER TABLE users ADD COLUMN rank bigint NOT NULL DEFAULT -1;

-- A volatile default: add the column plain, default new rows, and backfill
-- existing ones in batches from a job.
ALTER TABLE users ADD COLUMN api_key uuid;
ALTER TABLE users ALTER COLUMN api_key SET DEFAULT gen_random_uuid();
