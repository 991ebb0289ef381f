-- Reset the demo data.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
TRUNCATE users CASCADE; -- expect: ban-truncate-cascade
