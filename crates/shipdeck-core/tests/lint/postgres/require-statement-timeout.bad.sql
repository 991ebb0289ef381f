-- Bounded lock wait, but no bound on the statement itself.
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN nickname text; -- expect: require-statement-timeout
