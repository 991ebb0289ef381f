-- Users are accounts now: new code uses the view's name until the table
-- can be renamed in a maintenance window.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
CREATE VIEW accounts AS SELECT * FROM users;
