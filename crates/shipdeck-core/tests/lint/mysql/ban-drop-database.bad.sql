-- The analytics schema moved to the warehouse.
DROP DATABASE analytics; -- expect: ban-drop-database
DROP SCHEMA reporting; -- expect: ban-drop-database
