-- Clean-up.
ALTER TABLE users DROP COLUMN legacy_flag; -- expect: ban-drop-column
