-- Ages become integers.
ALTER TABLE users ALTER COLUMN age TYPE INTEGER; -- expect: sqlite-unsupported-alter
