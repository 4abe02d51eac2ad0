-- MariaDB: binlog_row_metadata=MINIMAL (signedness, charsets; no names: "@N" keys) and
-- binlog_row_image MINIMAL / NOBLOB.
SET GLOBAL binlog_row_metadata = MINIMAL;
DROP DATABASE IF EXISTS fm;
CREATE DATABASE fm;
USE fm;
CREATE TABLE m (id INT PRIMARY KEY, a VARCHAR(20), b BLOB, c INT UNSIGNED, e ENUM('x','y'));
INSERT INTO m VALUES (1, 'one', 0x0102, 4000000000, 'y'), (2, 'two', NULL, 5, 'x');
SET SESSION binlog_row_image = MINIMAL;
UPDATE m SET a = 'uno' WHERE id = 1;
UPDATE m SET c = NULL WHERE id = 2;
DELETE FROM m WHERE id = 2;
SET SESSION binlog_row_image = NOBLOB;
UPDATE m SET a = 'eins' WHERE id = 1;
INSERT INTO m (id, a) VALUES (3, 'three');
SET SESSION binlog_row_image = FULL;
SET GLOBAL binlog_row_metadata = FULL;
