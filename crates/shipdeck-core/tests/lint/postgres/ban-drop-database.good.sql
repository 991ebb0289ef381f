-- The analytics database moved to the warehouse: stop new connections;
-- an operator drops it by hand once the export is verified.
REVOKE CONNECT ON DATABASE analytics FROM PUBLIC;
