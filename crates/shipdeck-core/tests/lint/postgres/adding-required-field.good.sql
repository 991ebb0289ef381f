-- Every user gets an email address, empty until they set one.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
ALTER TABLE users ADD COLUMN email text NOT NULL DEFAULT '';

-- A table created in the same migration has no rows yet: NOT NULL without a
-- default is fine there.
CREATE TABLE invites (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
ALTER TABLE invites ADD COLUMN email text NOT NULL;
