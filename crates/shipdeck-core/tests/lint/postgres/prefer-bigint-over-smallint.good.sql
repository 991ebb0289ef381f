-- Task priorities.
CREATE TABLE tasks (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    priority bigint NOT NULL
);
