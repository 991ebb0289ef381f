-- Users are accounts now.
ALTER TABLE users RENAME TO accounts; -- expect: renaming-table
