-- Give up (and retry later) rather than queue every query on users.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
ALTER TABLE users ADD COLUMN nickname text;
