-- Nothing uses sessions since release 4.2 (deployed).
-- shipdeck:lint-ignore ban-drop-table
DROP TABLE sessions;
