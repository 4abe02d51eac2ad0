-- The demo's sandbox schema: a small shop with every column type, a view and a table without a key.
SET SESSION sql_mode = '';
SET NAMES utf8mb4;
SET SESSION time_zone = '+00:00';
DROP DATABASE IF EXISTS shop;
CREATE DATABASE shop CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
USE shop;

CREATE TABLE customers (
  id          INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email       VARCHAR(255) NOT NULL UNIQUE,
  name        VARCHAR(100) NOT NULL,
  country     CHAR(2),
  vip         TINYINT(1) NOT NULL DEFAULT 0,
  tags        SET('newsletter','wholesale','beta'),
  created_at  TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at  DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  KEY (updated_at)
) ENGINE=InnoDB;

CREATE TABLE orders (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id  INT UNSIGNED NOT NULL,
  status       ENUM('new','paid','shipped','cancelled') NOT NULL DEFAULT 'new',
  total        DECIMAL(18,4) NOT NULL,
  discount     DECIMAL(5,2),
  placed_on    DATE NOT NULL,
  ship_window  TIME,
  details      JSON,
  note         TEXT,
  updated_at   DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  KEY (customer_id),
  KEY (updated_at)
) ENGINE=InnoDB;

CREATE TABLE all_types (
  id            INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  c_tinyint     TINYINT,
  c_utinyint    TINYINT UNSIGNED,
  c_bool        TINYINT(1),
  c_smallint    SMALLINT,
  c_mediumint   MEDIUMINT UNSIGNED,
  c_int         INT,
  c_bigint      BIGINT,
  c_ubigint     BIGINT UNSIGNED,
  c_decimal     DECIMAL(30,10),
  c_float       FLOAT,
  c_double      DOUBLE,
  c_bit         BIT(12),
  c_year        YEAR,
  c_date        DATE,
  c_time        TIME(3),
  c_datetime    DATETIME(6),
  c_timestamp   TIMESTAMP(6) NULL DEFAULT NULL,
  c_char        CHAR(8),
  c_varchar     VARCHAR(64),
  c_latin1      VARCHAR(32) CHARACTER SET latin1,
  c_text        TEXT,
  c_binary      BINARY(4),
  c_varbinary   VARBINARY(32),
  c_blob        BLOB,
  c_enum        ENUM('red','green','blue'),
  c_set         SET('a','b','c'),
  c_json        JSON,
  c_geometry    GEOMETRY,
  c_point       POINT
) ENGINE=InnoDB;

-- Append-only event log without a primary key.
CREATE TABLE page_views (
  customer_id INT UNSIGNED,
  url         VARCHAR(2048) NOT NULL,
  viewed_at   DATETIME(3) NOT NULL
) ENGINE=InnoDB;

CREATE VIEW order_totals AS
  SELECT c.id AS customer_id, c.name, COUNT(o.id) AS orders, COALESCE(SUM(o.total), 0) AS total
  FROM customers c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.id, c.name;

INSERT INTO customers (email, name, country, vip, tags, created_at) VALUES
  ('ada@example.com', 'Ada Lovelace', 'GB', 1, 'newsletter,beta', '2024-01-15 09:30:00.123456'),
  ('grace@example.com', 'Grace Hopper', 'US', 0, 'newsletter', '2024-02-29 23:59:59.999999'),
  ('linus@example.com', 'Linus Torvålds', 'FI', 0, '', '2024-03-01 00:00:00'),
  ('yuki@example.com', '雪 Yuki 😀', 'JP', 1, 'wholesale', '2024-03-02 12:00:00.5');

INSERT INTO orders (customer_id, status, total, discount, placed_on, ship_window, details, note) VALUES
  (1, 'paid', 1234.5678, 10.00, '2024-01-16', '09:00:00', '{"items": [{"sku": "A-1", "qty": 2}], "gift": true}', 'leave at door'),
  (1, 'shipped', 99999999999999.9999, NULL, '2024-02-01', NULL, '{"items": [], "coupon": null}', NULL),
  (2, 'new', 0.0001, 0.50, '2024-02-29', '18:30:00', '{"price": 12.50, "note": "ünïcödé"}', 'tab\there'),
  (4, 'cancelled', 42.0000, NULL, '2024-03-03', '-01:00:00', '[1, 2.5, "three", false]', '絵文字 🚀');

INSERT INTO all_types VALUES
  (1, -128, 255, 1, -32768, 16777215, -2147483648, -9223372036854775808, 18446744073709551615,
   '-12345678901234567890.1234567890', 1.1, 3.141592653589793, b'101010101010', 2024,
   '2024-02-29', '-838:59:59.000', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999999',
   'chär', 'héllo 😀', 'Grüße', 'line1\nline2 "quoted" \\ backslash',
   0x00010203, 0xDEADBEEF, 0x00FF80, 'green', 'a,c', '{"a": 1, "b": [true, null, 2.5]}',
   ST_GeomFromText('LINESTRING(0 0, 1 1, 2 0)'), ST_GeomFromText('POINT(1.5 -2.25)')),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (3, 0, 0, 0, 0, 0, 0, 0, 0, '0.0000000001', -3.4e38, 1e-300, b'0', 1901,
   '0000-00-00', '25:00:00.500', '0000-00-00 00:00:00', '1970-01-01 00:00:01',
   '', '', '', '', 0x00, '', '', 'red', '', '[]', ST_GeomFromText('POLYGON((0 0,4 0,4 4,0 4,0 0))'),
   ST_GeomFromText('POINT(0 0)'));

INSERT INTO page_views VALUES
  (1, 'https://shop.example/p/1', '2024-03-01 10:00:00.001'),
  (1, 'https://shop.example/p/1', '2024-03-01 10:00:00.001'),
  (NULL, 'https://shop.example/', '2024-03-01 10:00:01.500');
