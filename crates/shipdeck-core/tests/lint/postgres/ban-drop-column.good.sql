-- No code has read users.legacy_flag since release 4.2 (deployed), so the
-- drop is reviewed and suppressed (squawk's syntax works too).
SET lock_timeout = '2s';
SET statement_timeout = '5min';
-- squawk-ignore ban-drop-column
ALTER TABLE users DROP COLUMN legacy_flag;
