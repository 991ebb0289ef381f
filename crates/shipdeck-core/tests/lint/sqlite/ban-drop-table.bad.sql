-- Sessions moved elsewhere.
DROP TABLE sessions; -- expect: ban-drop-table
