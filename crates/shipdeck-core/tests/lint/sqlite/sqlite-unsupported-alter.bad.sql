-- Ages become integers.
ALTER TABLE users ALTER COLUMN age TYPE INTEGER; -- expect: sqlite-unsupported-alter
-- MySQL's way to drop an index.
ALTER TABLE users DROP INDEX users_email; -- expect: sqlite-unsupported-alter
