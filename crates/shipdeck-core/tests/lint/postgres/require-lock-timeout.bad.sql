-- A quick change, but it waits for its lock behind any long transaction
-- and every query on users queues behind it.
SET statement_timeout = '5min';
ALTER TABLE users ADD COLUMN nickname text; -- expect: require-lock-timeout
