-- Clearer name, in steps: add the column now; copy and switch in later
-- releases.
ALTER TABLE users ADD COLUMN full_name VARCHAR(255) NULL;
