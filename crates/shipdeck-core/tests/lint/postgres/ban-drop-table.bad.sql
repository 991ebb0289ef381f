-- Sessions moved to Redis.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
DROP TABLE sessions; -- expect: ban-drop-table
