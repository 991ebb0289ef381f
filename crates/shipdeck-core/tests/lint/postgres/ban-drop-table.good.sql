-- Sessions moved to Redis in release 4.2 (deployed); nothing uses the
-- table any more, so the drop is reviewed and suppressed.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
-- shipdeck:lint-ignore ban-drop-table
DROP TABLE sessions;
