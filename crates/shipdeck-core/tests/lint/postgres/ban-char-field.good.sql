-- Countries.
CREATE TABLE countries (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code text NOT NULL CHECK (char_length(code) = 2)
);
