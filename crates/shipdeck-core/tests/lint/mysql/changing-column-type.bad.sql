-- Totals need cents.
ALTER TABLE orders MODIFY COLUMN total DECIMAL(12, 2) NOT NULL; -- expect: changing-column-type
