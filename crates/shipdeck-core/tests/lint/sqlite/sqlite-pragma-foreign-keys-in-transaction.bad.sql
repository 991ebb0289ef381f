-- Table rebuild; Shipdeck runs this file in a transaction, so the pragma
-- does nothing and DROP TABLE still enforces (and cascades) foreign keys.
PRAGMA foreign_keys = OFF; -- expect: sqlite-pragma-foreign-keys-in-transaction
CREATE TABLE users_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO users_new (id, name) SELECT id, name FROM users;
-- shipdeck:lint-ignore ban-drop-table
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
PRAGMA foreign_keys = ON; -- expect: sqlite-pragma-foreign-keys-in-transaction
