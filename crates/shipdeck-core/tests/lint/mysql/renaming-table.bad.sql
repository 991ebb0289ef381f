-- Users are accounts now.
RENAME TABLE users TO accounts; -- expect: renaming-table
