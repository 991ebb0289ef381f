-- Webhooks.
CREATE TABLE webhooks (
    id bigserial PRIMARY KEY, -- expect: prefer-identity
    url text NOT NULL
);
