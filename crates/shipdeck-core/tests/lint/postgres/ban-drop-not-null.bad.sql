-- Phone numbers become optional.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
ALTER TABLE users ALTER COLUMN phone DROP NOT NULL; -- expect: ban-drop-not-null
