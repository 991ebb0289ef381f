-- shipdeck:no-transaction
-- Outside a transaction, a failure after this statement leaves the index
-- behind, and running the migration again fails here.
SET lock_timeout = '2s';
SET statement_timeout = '1h';
CREATE INDEX CONCURRENTLY users_email_idx ON users (email); -- expect: prefer-robust-stmts
