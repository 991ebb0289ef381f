-- Plans, with their seed rows. CREATE TABLE commits at once: if the INSERT
-- fails, the table stays and the migration cannot simply run again.
CREATE TABLE plans (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64) NOT NULL);
INSERT INTO plans (name) VALUES ('free'), ('pro'); -- expect: mysql-ddl-not-transactional
