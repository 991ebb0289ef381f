-- Reset the demo data, naming every table that is emptied.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
TRUNCATE orders, users;
