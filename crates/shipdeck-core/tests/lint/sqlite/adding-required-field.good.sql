-- Every user gets an email address, empty until they set one.
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
