-- Totals and ages cannot be negative.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0); -- expect: constraint-missing-not-valid

-- NOT VALID, but validated in the same transaction: the lock is held for the scan anyway.
ALTER TABLE users ADD CONSTRAINT users_age_positive CHECK (age >= 0) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_age_positive; -- expect: constraint-missing-not-valid
