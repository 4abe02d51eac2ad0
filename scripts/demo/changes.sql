-- The demo's changes between the first and the second job: inserts, updates, deletes and a schema change.
SET SESSION time_zone = '+00:00';
SET NAMES utf8mb4;
USE shop;
INSERT INTO customers (email, name, country, vip, tags) VALUES ('alan@example.com', 'Alan Turing', 'GB', 1, 'beta');
UPDATE customers SET vip = 1, tags = 'newsletter,wholesale' WHERE email = 'grace@example.com';
ALTER TABLE orders ADD COLUMN channel VARCHAR(16) NOT NULL DEFAULT 'web' AFTER status;
INSERT INTO orders (customer_id, status, channel, total, discount, placed_on, details)
  VALUES (5, 'paid', 'app', 314.1593, 0.05, '2024-03-14', '{"items": [{"sku": "PI", "qty": 1}]}');
UPDATE orders SET status = 'shipped', total = total + 0.0001 WHERE id = 1;
DELETE FROM orders WHERE status = 'cancelled';
INSERT INTO page_views VALUES (5, 'https://shop.example/p/π', '2024-03-14 15:09:26.535');
