-- Page hit counters.
CREATE TABLE counters (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    hits BIGINT NOT NULL DEFAULT 0
);
