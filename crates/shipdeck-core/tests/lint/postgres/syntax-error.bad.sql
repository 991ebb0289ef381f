-- A typo: the parser cannot read the second statement; the others are
-- still linted.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE users ADD COLUMN nickname2 text NOT NULL DEFAULT; -- expect: syntax-error
DROP TABLE sessions;
