-- Plans. The seed rows are in the next migration, written to be re-runnable:
-- INSERT IGNORE INTO plans (id, name) VALUES (1, 'free'), (2, 'pro');
CREATE TABLE plans (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64) NOT NULL);
