-- Users are accounts now.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
ALTER TABLE users RENAME TO accounts; -- expect: renaming-table
