-- Shipdeck already runs this file in a transaction.
BEGIN TRANSACTION; -- expect: transaction-nesting
ALTER TABLE users ADD COLUMN nickname TEXT;
COMMIT; -- expect: transaction-nesting
