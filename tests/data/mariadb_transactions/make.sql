-- MariaDB 10.11: transactions as applications write them. SAVEPOINT inside a transaction
-- (which has no BEGIN query on MariaDB), ROLLBACK TO SAVEPOINT written with the rows it undid
-- (the transaction also changed a MyISAM table), CREATE TABLE ... SELECT, XA committed in one
-- phase, and two-phase XA: prepared then rolled back; prepared, then other transactions (one
-- of them prepared and later rolled back), then committed: its rows come out at its XA COMMIT.
SET GLOBAL binlog_row_metadata = FULL;
DROP DATABASE IF EXISTS ft;
CREATE DATABASE ft;
USE ft;
CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10));
CREATE TABLE m (id INT PRIMARY KEY) ENGINE=MyISAM;
BEGIN; INSERT INTO t VALUES (1, 'a'); SAVEPOINT s1; INSERT INTO t VALUES (2, 'b'); ROLLBACK TO SAVEPOINT s1;
INSERT INTO t VALUES (3, 'c'); SAVEPOINT s2; INSERT INTO t VALUES (4, 'd'); RELEASE SAVEPOINT s2; COMMIT;
BEGIN; INSERT INTO t VALUES (10, 'x'); SAVEPOINT a; INSERT INTO m VALUES (11); INSERT INTO t VALUES (12, 'y');
SAVEPOINT `b``c`; INSERT INTO t VALUES (14, 'w'); ROLLBACK TO SAVEPOINT a; INSERT INTO t VALUES (13, 'z'); COMMIT;
CREATE TABLE c AS SELECT id, v FROM t;
XA START 'one'; INSERT INTO t VALUES (20, 'p'); XA END 'one'; XA COMMIT 'one' ONE PHASE;
INSERT INTO t VALUES (30, 'q');
XA START 'two'; INSERT INTO t VALUES (40, 'r'); XA END 'two'; XA PREPARE 'two'; XA ROLLBACK 'two';
INSERT INTO t VALUES (41, 's');
XA START 'three'; INSERT INTO t VALUES (50, 'x'); UPDATE t SET v = 'y' WHERE id = 3; DELETE FROM t WHERE id = 30;
XA END 'three'; XA PREPARE 'three';\r
USE ft;
INSERT INTO t VALUES (51, 'z');
XA START 'four'; INSERT INTO t VALUES (60, 'w'); XA END 'four'; XA PREPARE 'four';\r
USE ft;
XA COMMIT 'three';
XA ROLLBACK 'four';
INSERT INTO t VALUES (61, 'v');
