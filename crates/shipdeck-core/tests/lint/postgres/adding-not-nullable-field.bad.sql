-- Emails are now mandatory.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
ALTER TABLE users ALTER COLUMN email SET NOT NULL; -- expect: adding-not-nullable-field
