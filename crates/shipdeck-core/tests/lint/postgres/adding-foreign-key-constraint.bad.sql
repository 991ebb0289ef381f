-- Orders must belong to a user, and may use a coupon.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id); -- expect: adding-foreign-key-constraint
ALTER TABLE orders ADD COLUMN coupon_id bigint REFERENCES coupons (id); -- expect: adding-foreign-key-constraint
