-- Every user gets a mandatory email address.
ALTER TABLE users ADD COLUMN email TEXT NOT NULL; -- expect: adding-required-field
