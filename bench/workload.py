#!/usr/bin/env python3
"""Prints the SQL of sluice's benchmark workloads (see bench/README.md) on stdout.

  workload.py schema                 the table of BENCHMARKS.md
  workload.py load ROWS              fills it with ROWS rows, unlogged (MariaDB's sequence engine)
  workload.py changes N [SEED]       ~N row changes: 40% INSERT / 40% UPDATE / 20% DELETE,
                                     10% single-row autocommit, the rest in transactions of 50-1000 rows
"""
import random
import sys

COLUMNS = "i, u, name, body, amount, dt, ts, score, doc, status, flag"


def schema():
    print("""CREATE DATABASE IF NOT EXISTS bench CHARACTER SET utf8mb4;
USE bench;
DROP TABLE IF EXISTS t;
CREATE TABLE t (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  i INT, u BIGINT UNSIGNED, name VARCHAR(255) CHARACTER SET utf8mb4,
  body TEXT CHARACTER SET utf8mb4, amount DECIMAL(18,4), dt DATETIME(6), ts TIMESTAMP NULL,
  score DOUBLE, doc JSON, status ENUM('new','paid','shipped','cancelled'), flag TINYINT(1),
  KEY (i)
) ENGINE=InnoDB;""")


def select_rows(lo, hi, salt):
    """A SELECT producing rows for ids lo..hi from MariaDB's sequence engine (no ids given)."""
    return f"""SELECT seq % 100000, 18446744073709000000 + seq % 500000,
  CONCAT('name-', seq, '-', {salt}, ' ñ'),
  CONCAT(REPEAT(MD5(seq + {salt}), 28), ' – déjà vu € 😀 ', seq),
  (seq * 37 % 100000000) / 10000 - 4000, TIMESTAMP('2024-01-01') + INTERVAL seq SECOND + INTERVAL (seq % 1000000) MICROSECOND,
  FROM_UNIXTIME(1700000000 + seq), seq / 7, JSON_OBJECT('k', seq, 'tag', 'abc', 'v', seq * 1.5, 'ok', TRUE),
  ELT(1 + seq % 4, 'new', 'paid', 'shipped', 'cancelled'), seq % 2
  FROM seq_{lo}_to_{hi}"""


def load(rows):
    print("SET NAMES utf8mb4; SET SESSION sql_log_bin=0; USE bench; SET SESSION time_zone='+00:00';")
    step = 50000
    for lo in range(1, rows + 1, step):
        hi = min(rows, lo + step - 1)
        print(f"INSERT INTO t ({COLUMNS}) {select_rows(lo, hi, 0)};")


def changes(n, seed):
    rnd = random.Random(seed)
    print("SET NAMES utf8mb4; USE bench; SET SESSION time_zone='+00:00';")
    # Keys live in [1, max_id]; deletes make holes, which is realistic.
    max_id = int(sys.argv[4]) if len(sys.argv) > 4 else 1000000
    done = 0
    salt = 1
    while done < n:
        salt += 1
        if rnd.random() < 0.54:  # blocks of 50 singles: ~10% of changes as autocommit statements
            for _ in range(50):
                kind = rnd.random()
                if kind < 0.4:
                    print(f"INSERT INTO t ({COLUMNS}) {select_rows(1, 1, salt)};")
                    max_id += 1
                elif kind < 0.8:
                    print(f"UPDATE t SET i = i + 1, name = CONCAT(name, 'u') WHERE id = {rnd.randint(1, max_id)};")
                else:
                    print(f"DELETE FROM t WHERE id = {rnd.randint(1, max_id)};")
                done += 1
            continue
        size = rnd.randint(50, 1000)
        print("BEGIN;")
        left = size
        while left > 0:
            part = min(left, rnd.randint(20, 400))
            kind = rnd.random()
            if kind < 0.4:
                print(f"INSERT INTO t ({COLUMNS}) {select_rows(1, part, salt)};")
                max_id += part
            elif kind < 0.8:
                lo = rnd.randint(1, max(1, max_id - part))
                print(f"UPDATE t SET i = i + 1, amount = amount + 0.0001, dt = dt + INTERVAL 1 SECOND,"
                      f" doc = JSON_SET(doc, '$.v', {salt}) WHERE id BETWEEN {lo} AND {lo + part - 1};")
            else:
                lo = rnd.randint(1, max(1, max_id - part))
                print(f"DELETE FROM t WHERE id BETWEEN {lo} AND {lo + part - 1};")
            left -= part
        print("COMMIT;")
        done += size


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else ""
    if what == "schema":
        schema()
    elif what == "load":
        load(int(sys.argv[2]))
    elif what == "changes":
        changes(int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    else:
        sys.exit(__doc__)
