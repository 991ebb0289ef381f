-- Shipdeck runs this file in a transaction.
ALTER TABLE users ADD COLUMN nickname VARCHAR(64) NULL;
