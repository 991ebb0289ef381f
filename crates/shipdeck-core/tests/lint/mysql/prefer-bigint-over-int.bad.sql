-- Page hit counters.
CREATE TABLE counters (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    hits INT NOT NULL DEFAULT 0 -- expect: prefer-bigint-over-int
);
