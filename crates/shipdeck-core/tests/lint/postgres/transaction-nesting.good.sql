-- Shipdeck runs this file in a transaction.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
ALTER TABLE users ADD COLUMN nickname text;
