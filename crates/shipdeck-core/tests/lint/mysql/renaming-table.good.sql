-- Users are accounts now: new code reads the view until the table can be
-- renamed.
CREATE VIEW accounts AS SELECT * FROM users;
