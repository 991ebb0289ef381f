-- Every user gets an API key.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
ALTER TABLE users ADD COLUMN api_key uuid DEFAULT gen_random_uuid(); -- expect: adding-field-with-default
