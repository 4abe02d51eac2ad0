-- MariaDB: log_bin_compress=ON (QUERY_COMPRESSED and *_ROWS_COMPRESSED_EVENT_V1).
SET GLOBAL log_bin_compress = ON;
SET GLOBAL log_bin_compress_min_len = 10;
DROP DATABASE IF EXISTS fc;
CREATE DATABASE fc;
USE fc;
CREATE TABLE c (id INT PRIMARY KEY, body VARCHAR(200), n DECIMAL(12,3));
INSERT INTO c VALUES (1, REPEAT('abc', 50), 1.5), (2, 'two', -0.001), (3, NULL, 123456789.123);
BEGIN; UPDATE c SET n = n * 2; DELETE FROM c WHERE id = 2; COMMIT;
SET GLOBAL log_bin_compress = OFF;
