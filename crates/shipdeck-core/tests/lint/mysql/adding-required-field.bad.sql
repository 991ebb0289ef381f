-- Every user gets a mandatory email address.
ALTER TABLE users ADD COLUMN email VARCHAR(255) NOT NULL; -- expect: adding-required-field
