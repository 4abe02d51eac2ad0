-- MySQL 9.7: transactions as applications write them. SAVEPOINT inside a transaction
-- (MySQL with GTIDs refuses MyISAM changes inside one, so no ROLLBACK TO in the binlog here),
-- CREATE TABLE ... SELECT (one transaction: the statement, then its rows), XA committed in one
-- phase, and last a two-phase XA PREPARE, where `binlog read` stops with an error.
SET GLOBAL binlog_row_metadata = FULL;
DROP DATABASE IF EXISTS ft;
CREATE DATABASE ft;
USE ft;
CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10));
BEGIN; INSERT INTO t VALUES (1, 'a'); SAVEPOINT s1; INSERT INTO t VALUES (2, 'b'); ROLLBACK TO SAVEPOINT s1;
INSERT INTO t VALUES (3, 'c'); SAVEPOINT s2; INSERT INTO t VALUES (4, 'd'); RELEASE SAVEPOINT s2; COMMIT;
CREATE TABLE c AS SELECT id, v FROM t;
XA START 'one'; INSERT INTO t VALUES (20, 'p'); XA END 'one'; XA COMMIT 'one' ONE PHASE;
INSERT INTO t VALUES (30, 'q');
XA START 'two'; INSERT INTO t VALUES (40, 'r'); XA END 'two'; XA PREPARE 'two'; XA ROLLBACK 'two';
INSERT INTO t VALUES (41, 's');
