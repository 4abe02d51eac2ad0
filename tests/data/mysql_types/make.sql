-- All column types on MySQL 9.7, GTIDs on, binlog_row_metadata=FULL (names, labels, keys).
SET GLOBAL binlog_row_metadata = FULL;
DROP DATABASE IF EXISTS fx;
CREATE DATABASE fx;
USE fx;
CREATE TABLE t (
  id INT PRIMARY KEY,
  ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT, miu MEDIUMINT UNSIGNED,
  i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
  f FLOAT, d DOUBLE, dec1 DECIMAL(10,2), dec2 DECIMAL(30,10),
  dt DATE, tm TIME(3), dtm DATETIME(6), ts TIMESTAMP(2) NULL, y YEAR,
  c CHAR(5), vc VARCHAR(300), bn BINARY(4), vb VARBINARY(10),
  tx TEXT, bl BLOB, lt LONGTEXT,
  e ENUM('a','b','c'), s SET('x','y','z'),
  b1 BIT(1), b12 BIT(12),
  j JSON, g GEOMETRY, pt POINT SRID 4326, u8 VARCHAR(10) CHARACTER SET utf8mb4, l1 VARCHAR(10) CHARACTER SET latin1,
  v VECTOR(3)
);
SET time_zone = '+00:00';
SET sql_mode = '';
INSERT INTO t VALUES (1, -128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295,
  -9223372036854775808, 18446744073709551615, 1.1, 2.5e-300, -12345678.99, 12345678901234567890.0123456789,
  '2024-02-29', '-838:59:59.000', '2024-01-02 03:04:05.123456', '2024-06-01 12:00:00.25', 2024,
  'ab', REPEAT('v', 300), 'ab', 0x00ff, 'text ü', 0xdeadbeef, 'long', 'b', 'x,z', 1, 4095,
  '{"a": [1, 2.5, "s", null, true], "big": 18446744073709551615}', ST_GeomFromText('LINESTRING(0 0,1 1)'),
  ST_GeomFromText('POINT(45 10)', 4326), '😀 ok', 'café', STRING_TO_VECTOR('[1.5, -2, 0.1]'));
INSERT INTO t (id) VALUES (2);
INSERT INTO t (id, dt, dtm, tm, y, e, s) VALUES (3, '0000-00-00', '0000-00-00 00:00:00', '25:00:00.5', 0, '', '');
UPDATE t SET vc = 'changed', i = i + 1, f = -0.5 WHERE id = 1;
DELETE FROM t WHERE id = 2;
BEGIN; INSERT INTO t (id, c) VALUES (4, 'tx1'); INSERT INTO t (id, c) VALUES (5, 'tx2'); COMMIT;
ALTER TABLE t ADD COLUMN extra INT DEFAULT 7;
UPDATE t SET extra = 8 WHERE id = 4;
