-- shipdeck:no-transaction
-- Emails are now mandatory. A validated CHECK (email IS NOT NULL) lets
-- SET NOT NULL skip its full-table scan (PostgreSQL 12+). Each statement
-- commits on its own, so VALIDATE does not hold the ADD's lock.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
