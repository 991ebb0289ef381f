-- Totals need cents: add the new column; the app writes both, a job
-- backfills, reads switch over, and `total` is dropped later.
ALTER TABLE orders ADD COLUMN total_exact DECIMAL(12, 2) NULL;
