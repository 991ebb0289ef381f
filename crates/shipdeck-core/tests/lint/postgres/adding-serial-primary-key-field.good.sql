-- events never had a primary key. The previous migration (no-transaction)
-- built the index: CREATE UNIQUE INDEX CONCURRENTLY events_pkey ON events (id);
SET lock_timeout = '2s';
SET statement_timeout = '5min';
ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey;
