-- Totals need cents: add the new column; the app writes both, a job
-- backfills, reads switch over, and `total` is dropped in a later release.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
ALTER TABLE orders ADD COLUMN total_exact numeric(12, 2);
