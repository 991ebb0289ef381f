-- Page hit counters.
CREATE TABLE counters (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hits integer NOT NULL DEFAULT 0 -- expect: prefer-bigint-over-int
);
