-- MySQL 9.7: binlog_row_value_options=PARTIAL_JSON (PARTIAL_UPDATE_ROWS_EVENT with JSON diffs).
SET GLOBAL binlog_row_metadata = FULL;
DROP DATABASE IF EXISTS fj;
CREATE DATABASE fj;
USE fj;
CREATE TABLE j (id INT PRIMARY KEY, doc JSON, other JSON, n INT);
INSERT INTO j VALUES (1, '{"a": 1, "b": [1, 2], "s": "text"}', '[1]', 0);
SET SESSION binlog_row_value_options = PARTIAL_JSON;
UPDATE j SET doc = JSON_SET(doc, '$.a', 2), n = 1 WHERE id = 1;
UPDATE j SET doc = JSON_REPLACE(doc, '$.s', 'other'), other = JSON_ARRAY_APPEND(other, '$', 2) WHERE id = 1;
UPDATE j SET doc = JSON_REMOVE(doc, '$.b[0]') WHERE id = 1;
SET SESSION binlog_row_value_options = '';
