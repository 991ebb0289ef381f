-- The SQL of applied migrations is now kept with its literals masked: a
-- migration may set a password (`CREATE ROLE … PASSWORD '…'`) or seed a key.
-- Rows kept before were verbatim and cannot be masked in SQL, so they go;
-- `migrate show` then says the applied SQL was not recorded for them.
DELETE FROM applied_sql;
