-- Shipdeck runs this file in a transaction.
ALTER TABLE users ADD COLUMN nickname TEXT;
