-- A typo: the parser cannot read the second statement.
ALTER TABLE users ADD COLUMN nickname TEXT;
ALTER TABLE users ADD COLUMN TEXT NOT NULL DEFAULT; -- expect: syntax-error
