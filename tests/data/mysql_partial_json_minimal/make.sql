-- MySQL 9.7: binlog_row_value_options=PARTIAL_JSON under binlog_row_image=MINIMAL. The before
-- image holds only the key and the after image only the changed columns; a JSON column changed
-- by JSON_SET/JSON_REPLACE/JSON_REMOVE is logged as its diffs, printed under "json_diffs"
-- (replace, insert, remove; nested and quoted paths, array elements, two diffs in one cell).
-- Functions without a partial form (JSON_ARRAY_INSERT/APPEND) log the whole new document.
-- Last, a FULL-image partial update in a compressed transaction: the whole document is printed.
SET GLOBAL binlog_row_metadata = FULL;
DROP DATABASE IF EXISTS fjm;
CREATE DATABASE fjm;
USE fjm;
CREATE TABLE j (id INT PRIMARY KEY, doc JSON, other JSON, n INT);
INSERT INTO j VALUES (1, '{"a": 1, "b": [1, 2, 3], "s": "text", "o": {"x": {"y": 1}}}', '[1]', 0),
  (2, '{"k": "v"}', '{}', 0);
SET SESSION binlog_row_value_options = PARTIAL_JSON;
SET SESSION binlog_row_image = MINIMAL;
UPDATE j SET doc = JSON_SET(doc, '$.a', 2), n = 1 WHERE id = 1;
UPDATE j SET doc = JSON_SET(doc, '$.new', JSON_OBJECT('d', 1.50)) WHERE id = 1;
UPDATE j SET doc = JSON_SET(doc, '$.b[1]', 'two') WHERE id = 1;
UPDATE j SET doc = JSON_REMOVE(doc, '$.b[0]'), other = JSON_ARRAY_APPEND(other, '$', 2) WHERE id = 1;
UPDATE j SET doc = JSON_REPLACE(doc, '$.o.x.y', 'deep') WHERE id = 1;
UPDATE j SET doc = JSON_SET(doc, '$."key with space"', true) WHERE id = 2;
UPDATE j SET doc = JSON_SET(doc, '$.b[5]', 'appended') WHERE id = 1;
UPDATE j SET n = 5 WHERE id = 2;
UPDATE j SET doc = JSON_SET(doc, '$.a', 3, '$.s', 'two ops') WHERE id = 1;
UPDATE j SET doc = JSON_ARRAY_INSERT(doc, '$.b[0]', 'first') WHERE id = 1;
SET SESSION binlog_row_image = FULL;
SET SESSION binlog_transaction_compression = ON;
UPDATE j SET doc = JSON_SET(doc, '$.a', 4) WHERE id = 1;
SET SESSION binlog_transaction_compression = OFF;
SET SESSION binlog_row_value_options = '';
