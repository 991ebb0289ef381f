-- Clean-up.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
ALTER TABLE users DROP COLUMN legacy_flag; -- expect: ban-drop-column
