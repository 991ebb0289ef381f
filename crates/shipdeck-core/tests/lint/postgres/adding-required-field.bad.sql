-- Every user gets a mandatory email address.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
ALTER TABLE users ADD COLUMN email text NOT NULL; -- expect: adding-required-field
