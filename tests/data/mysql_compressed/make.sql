-- MySQL 9.7: binlog_transaction_compression=ON (zstd TRANSACTION_PAYLOAD events), set per session.
DROP DATABASE IF EXISTS fc;
CREATE DATABASE fc;
USE fc;
CREATE TABLE c (id INT PRIMARY KEY, body VARCHAR(200), n DECIMAL(12,3));
SET SESSION binlog_transaction_compression = ON;
INSERT INTO c VALUES (1, REPEAT('abc', 50), 1.5), (2, 'two', -0.001), (3, NULL, 123456789.123);
BEGIN; UPDATE c SET n = n * 2; DELETE FROM c WHERE id = 2; COMMIT;
SET SESSION binlog_transaction_compression = OFF;
INSERT INTO c VALUES (4, 'plain', 0);
