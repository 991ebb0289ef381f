-- One account per email: a plain column plus a unique index.
ALTER TABLE users ADD COLUMN email TEXT;
CREATE UNIQUE INDEX users_email_key ON users (email);
