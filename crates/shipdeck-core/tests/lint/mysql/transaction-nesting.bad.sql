-- Shipdeck already runs this file in a transaction.
START TRANSACTION; -- expect: transaction-nesting
ALTER TABLE users ADD COLUMN nickname VARCHAR(64) NULL;
COMMIT; -- expect: transaction-nesting
