-- Task priorities.
CREATE TABLE tasks (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    priority smallint NOT NULL -- expect: prefer-bigint-over-smallint
);
