#!/usr/bin/env python3
"""Replays `sluice binlog read` JSON lines of one table (stdin) into its final rows, applying the
"json_diffs" of partial JSON updates with MySQL's semantics, written here independently of
sluice's own applier: REPLACE sets an existing path ("$" is the whole document); INSERT adds an
object member, or inserts into an array at the index (appending past the end); REMOVE deletes a
member or element. Prints {"<id>": {column: value}} as JSON, keys sorted.
Usage: json_diff_replay.py KEY_COLUMN < lines.jsonl"""
import json
import re
import sys

LEG = re.compile(r'\.(?:"((?:[^"\\]|\\.)*)"|([A-Za-z_$][A-Za-z0-9_$]*))|\[\s*(?:(last)(?:\s*-\s*(\d+))?|(\d+))\s*\]')


def legs(path):
    assert path.startswith("$"), path
    out, i = [], 1
    while i < len(path):
        m = LEG.match(path, i)
        assert m, "bad path %r at %d" % (path, i)
        quoted, plain, last, minus, index = m.groups()
        if quoted is not None:
            out.append(("key", json.loads('"%s"' % quoted)))
        elif plain is not None:
            out.append(("key", plain))
        else:
            out.append(("index", (True, int(minus or 0)) if last else (False, int(index))))
        i = m.end()
    return out


def position(container, leg):
    kind, what = leg
    if kind == "key":
        return what
    from_last, n = what
    return len(container) - 1 - n if from_last else n


def apply(doc, op, path, value=None):
    steps = legs(path)
    if not steps:
        assert op == "replace", (op, path)
        return value
    parent = doc
    for leg in steps[:-1]:
        parent = parent[position(parent, leg)]
    where = position(parent, steps[-1])
    if op == "replace":
        parent[where] = value
    elif op == "insert":
        if isinstance(parent, list):
            if where >= len(parent):
                parent.append(value)
            else:
                parent.insert(where, value)
        else:
            parent[where] = value
    elif op == "remove":
        del parent[where]
    else:
        raise AssertionError(op)
    return doc


def main():
    key = sys.argv[1]
    rows = {}
    for line in sys.stdin:
        change = json.loads(line)
        if change.get("op") not in ("insert", "update", "delete"):
            continue
        image = change.get("before") or change.get("after")
        row_id = str(image[key])
        if change["op"] == "delete":
            rows.pop(row_id, None)
            continue
        row = rows.setdefault(row_id, {})
        row.update(change["after"])
        for column, diffs in change.get("json_diffs", {}).items():
            doc = row[column]
            for d in diffs:
                doc = apply(doc, d["op"], d["path"], d.get("value"))
            row[column] = doc
    print(json.dumps(rows, sort_keys=True))


if __name__ == "__main__":
    main()
