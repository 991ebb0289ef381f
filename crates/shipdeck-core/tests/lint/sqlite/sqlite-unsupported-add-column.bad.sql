-- One account per email.
ALTER TABLE users ADD COLUMN email TEXT UNIQUE; -- expect: sqlite-unsupported-add-column
