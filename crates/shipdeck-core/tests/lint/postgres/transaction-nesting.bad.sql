-- Shipdeck already runs this file in a transaction.
BEGIN; -- expect: transaction-nesting
SET lock_timeout = '2s';
SET statement_timeout = '5min';
ALTER TABLE users ADD COLUMN nickname text;
COMMIT; -- expect: transaction-nesting
