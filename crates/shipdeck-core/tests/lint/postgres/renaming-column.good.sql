-- Clearer name, in steps: add the column now, copy and switch in later
-- releases, drop `name` once no code reads it.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
ALTER TABLE users ADD COLUMN full_name text;
