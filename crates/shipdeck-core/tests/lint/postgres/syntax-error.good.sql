-- The typo fixed.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE users ADD COLUMN nickname2 text NOT NULL DEFAULT '';
-- A trigger function as real projects write it: the options sqlparser
-- cannot read (COST) must not make it a syntax error.
CREATE OR REPLACE FUNCTION user_history_count() RETURNS trigger AS
$func$
BEGIN
    IF (TG_OP = 'INSERT') THEN
        UPDATE total_history_count_user SET total = total + 1 WHERE user_id = NEW.user_id;
    ELSIF (TG_OP = 'DELETE') THEN
        UPDATE total_history_count_user SET total = total - 1 WHERE user_id = OLD.user_id;
    END IF;
    RETURN NEW; -- ignored for an AFTER trigger
END;
$func$
LANGUAGE plpgsql VOLATILE -- plpgsql runs it in the caller's transaction
COST 100;
