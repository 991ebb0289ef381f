-- The analytics database moved to the warehouse.
DROP DATABASE analytics; -- expect: ban-drop-database
