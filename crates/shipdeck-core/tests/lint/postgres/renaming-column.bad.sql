-- Clearer name.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
ALTER TABLE users RENAME COLUMN name TO full_name; -- expect: renaming-column
