-- shipdeck:no-transaction
-- Table rebuild with foreign keys off, set outside the transaction.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE users_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO users_new (id, name) SELECT id, name FROM users;
-- shipdeck:lint-ignore ban-drop-table
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
COMMIT;
PRAGMA foreign_keys = ON;
