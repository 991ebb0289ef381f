-- Countries.
CREATE TABLE countries (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code char(2) NOT NULL -- expect: ban-char-field
);
