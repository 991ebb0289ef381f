-- shipdeck:no-transaction
-- Ages become integers: SQLite needs a table rebuild. Foreign keys are
-- switched off outside the transaction, where the pragma works.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE users_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER);
INSERT INTO users_new (id, name, age) SELECT id, name, CAST(age AS INTEGER) FROM users;
-- shipdeck:lint-ignore ban-drop-table
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
COMMIT;
PRAGMA foreign_keys = ON;
