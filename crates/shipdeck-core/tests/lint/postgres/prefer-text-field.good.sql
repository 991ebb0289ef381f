-- Product catalogue; the length limit is a constraint that can change
-- without locking the table.
CREATE TABLE products (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL CHECK (char_length(name) <= 100)
);
