-- No code has read users.legacy_flag since release 4.2 (deployed).
-- shipdeck:lint-ignore ban-drop-column
ALTER TABLE users DROP COLUMN legacy_flag;
