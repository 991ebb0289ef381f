-- The typo fixed.
ALTER TABLE users ADD COLUMN nickname TEXT;
ALTER TABLE users ADD COLUMN nickname2 TEXT NOT NULL DEFAULT '';
