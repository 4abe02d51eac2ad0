-- MySQL 9.7: transactions as applications write them. SAVEPOINT inside a transaction
-- (MySQL with GTIDs refuses MyISAM changes inside one, so no ROLLBACK TO in the binlog here),
-- CREATE TABLE ... SELECT (one transaction: the statement, then its rows), XA committed in one
-- phase, and two-phase XA: prepared then rolled back; prepared, then other transactions (one
-- of them prepared and later rolled back), then committed: its rows come out at its XA COMMIT.
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
XA START 'three'; INSERT INTO t VALUES (50, 'x'); UPDATE t SET v = 'y' WHERE id = 3; DELETE FROM t WHERE id = 30;
XA END 'three'; XA PREPARE 'three';
USE ft;
INSERT INTO t VALUES (51, 'z');
XA START 'four'; INSERT INTO t VALUES (60, 'w'); XA END 'four'; XA PREPARE 'four';
USE ft;
XA COMMIT 'three';
XA ROLLBACK 'four';
INSERT INTO t VALUES (61, 'v');
