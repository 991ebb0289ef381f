-- Orders must belong to a user. NOT VALID only checks new rows; the next
-- migration runs `ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;`
-- which does not block writes.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;

-- A new table can reference others directly.
CREATE TABLE refunds (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES orders (id)
);
