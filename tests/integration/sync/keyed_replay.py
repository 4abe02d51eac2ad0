#!/usr/bin/env python3
"""Independent reader for the resume tests: replays what a destination received, keyed by a
primary key column (later wins, a row with _sdc_deleted_at set removes the key), and prints
the surviving rows sorted by key as tab-separated text in the form of the `mariadb` client's
batch output (NULL for null, DECIMAL digits exact).

  keyed_replay.py singer STREAM KEY COLS FILE...   Singer messages, in file order; lines cut
                                                   by a kill (not JSON) are skipped
  keyed_replay.py jsonl  STEM   KEY COLS DIR       JSON-lines files STEM-NNNNNN.jsonl, applied in
                                                   _sdc_sequence order; also checks that
                                                   every sequence number is unique
  keyed_replay.py sqlite TABLE  KEY COLS DBFILE    an SQLite table: rows without _sdc_deleted_at
  keyed_replay.py avro   STEM   KEY COLS DIR       Avro files STEM.NNNNNN.avro (python3-avro), in
                                                   name order, records in file order

Singer ACTIVATE_VERSION v removes the rows of older versions (as targets do); a JSON-lines line
with `_sdc_truncated_at`, and an Avro file whose header has `sluice.truncated_at`, remove every
row before them. With KEYED_REPLAY_EVENTS=1 in the environment, prints the changes in the order
applied instead: `upsert KEY`, `delete KEY`, `truncate`.

COLS is a comma-separated list of the columns to print (a column absent from a row prints
as ABSENT). Exit 1 with a message on any inconsistency.
"""
import decimal
import glob
import json
import os
import sqlite3
import sys


def cell(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "1" if v else "0"
    return str(v)


def loads(line):
    return json.loads(line, parse_float=decimal.Decimal)


EVENTS = []


def apply(rows, key, r):
    """Applies one record: a set _sdc_deleted_at removes its key, else the record replaces it."""
    if r.get("_sdc_deleted_at") is not None:
        EVENTS.append(f"delete {r[key]}")
        rows.pop(r[key], None)
    else:
        EVENTS.append(f"upsert {r[key]}")
        rows[r[key]] = r


def truncate(rows, keep=lambda r: False):
    EVENTS.append("truncate")
    for k in [k for k, r in rows.items() if not keep(r)]:
        del rows[k]


def replay_singer(stream, key, files):
    rows = {}
    for path in files:
        with open(path, encoding="utf-8") as f:
            for line in f:
                try:
                    m = loads(line)
                except ValueError:
                    continue  # the line cut by kill -9
                if m.get("stream") != stream:
                    continue
                if m.get("type") == "ACTIVATE_VERSION":
                    v = m["version"]
                    truncate(rows, lambda r: r.get("_version", v) >= v)
                if m.get("type") != "RECORD":
                    continue
                r = m["record"]
                r["_version"] = m.get("version", 0)
                apply(rows, key, r)
    return rows


def replay_jsonl(stem, key, directory):
    lines = []
    for path in sorted(glob.glob(os.path.join(directory, stem + "-*.jsonl"))):
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.endswith("\n"):
                    sys.exit(f"{path}:{n}: torn last line")
                lines.append(loads(line))
    seqs = [r["_sdc_sequence"] for r in lines]
    if len(set(seqs)) != len(seqs):
        sys.exit("duplicate _sdc_sequence values")
    lines.sort(key=lambda r: r["_sdc_sequence"])
    rows = {}
    for r in lines:
        if "_sdc_truncated_at" in r:
            truncate(rows)
        else:
            apply(rows, key, r)
    print(f"# lines {len(lines)}", file=sys.stderr)
    return rows


def replay_avro(stem, key, directory):
    import avro.datafile
    import avro.io
    rows = {}
    for path in sorted(glob.glob(os.path.join(directory, glob.escape(stem) + ".*.avro"))):
        with avro.datafile.DataFileReader(open(path, "rb"), avro.io.DatumReader()) as f:
            if f.get_meta("sluice.truncated_at") is not None:
                truncate(rows)
            for r in f:
                apply(rows, key, r)
    return rows


def replay_sqlite(table, key, dbfile):
    db = sqlite3.connect(dbfile)
    db.row_factory = sqlite3.Row
    total = db.execute(f'SELECT COUNT(*), COUNT(DISTINCT "{key}") FROM "{table}"').fetchone()
    if total[0] != total[1]:
        sys.exit(f"{table}: {total[0]} rows but {total[1]} distinct keys")
    rows = {}
    for r in db.execute(f'SELECT * FROM "{table}" WHERE _sdc_deleted_at IS NULL'):
        rows[r[key]] = dict(r)
    return rows


def main():
    mode, name, key, cols = sys.argv[1:5]
    rest = sys.argv[5:]
    if mode == "singer":
        rows = replay_singer(name, key, rest)
    elif mode == "jsonl":
        rows = replay_jsonl(name, key, rest[0])
    elif mode == "sqlite":
        rows = replay_sqlite(name, key, rest[0])
    elif mode == "avro":
        rows = replay_avro(name, key, rest[0])
    else:
        sys.exit("unknown mode " + mode)
    if os.environ.get("KEYED_REPLAY_EVENTS") == "1":
        print("\n".join(EVENTS))
        return
    columns = cols.split(",")
    for k in sorted(rows):
        r = rows[k]
        print("\t".join(cell(r[c]) if c in r else "ABSENT" for c in columns))


if __name__ == "__main__":
    main()
