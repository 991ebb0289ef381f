-- A typo: the parser cannot read the second statement.
ALTER TABLE users ADD COLUMN nickname VARCHAR(64) NULL;
ALTER TABLE users ADD COLUMN VARCHAR(64) NOT NULL DEFAULT; -- expect: syntax-error
