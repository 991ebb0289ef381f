-- Page hit counters.
CREATE TABLE counters (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hits bigint NOT NULL DEFAULT 0
);
