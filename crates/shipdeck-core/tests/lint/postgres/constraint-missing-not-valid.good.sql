-- Totals cannot be negative. The next migration validates the constraint:
-- `ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;`
SET lock_timeout = '2s';
SET statement_timeout = '5min';
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;
