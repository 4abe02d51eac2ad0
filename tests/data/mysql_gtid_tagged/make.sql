-- GTID_TAGGED_LOG_EVENT (MySQL 8.3+): transactions with a tagged GTID (uuid:tag:n), one
-- untagged between them, and a tagged DDL.
CREATE DATABASE IF NOT EXISTS fx_tagged;
USE fx_tagged;
SET gtid_next = 'AUTOMATIC:orders_v2';
CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20));
SET gtid_next = 'AUTOMATIC:orders_v2';
INSERT INTO t VALUES (1, 'one'), (2, 'two');
SET gtid_next = 'AUTOMATIC';
UPDATE t SET name = 'uno' WHERE id = 1;
SET gtid_next = 'AUTOMATIC:b';
DELETE FROM t WHERE id = 2;
SET gtid_next = 'AUTOMATIC';
DROP DATABASE fx_tagged;
