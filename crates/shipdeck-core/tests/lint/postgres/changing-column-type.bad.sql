-- Totals need cents.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
ALTER TABLE orders
    ALTER COLUMN total TYPE numeric(12, 2); -- expect: changing-column-type
