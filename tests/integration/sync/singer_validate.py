#!/usr/bin/python3
"""Validates Singer messages (one JSON object per line) read from a file or stdin.

Every message must have the Singer message format (SCHEMA, RECORD, STATE, ACTIVATE_VERSION with
their required keys and types); every RECORD must validate, with python3-jsonschema (Draft 4),
against the latest SCHEMA of its stream. Numbers are read as Decimal so DECIMAL values and
multipleOf are checked exactly. Exit status 0 when all is valid; else one line per problem.
"""
import decimal
import json
import sys

import jsonschema


def fail(problems, lineno, text):
    problems.append(f"line {lineno}: {text}")


def check_message(m, lineno, schemas, problems):
    t = m.get("type")
    if t == "SCHEMA":
        if not isinstance(m.get("stream"), str) or not isinstance(m.get("schema"), dict):
            return fail(problems, lineno, "SCHEMA needs 'stream' (string) and 'schema' (object)")
        if not isinstance(m.get("key_properties"), list):
            return fail(problems, lineno, "SCHEMA needs 'key_properties' (list)")
        try:
            jsonschema.Draft4Validator.check_schema(m["schema"])
        except jsonschema.SchemaError as e:
            return fail(problems, lineno, f"invalid JSON Schema: {e.message}")
        props = m["schema"].get("properties", {})
        for k in m["key_properties"] + m.get("bookmark_properties", []):
            if k not in props:
                fail(problems, lineno, f"key/bookmark property {k!r} is not in the schema")
        schemas[m["stream"]] = jsonschema.Draft4Validator(m["schema"])
    elif t == "RECORD":
        if not isinstance(m.get("stream"), str) or not isinstance(m.get("record"), dict):
            return fail(problems, lineno, "RECORD needs 'stream' (string) and 'record' (object)")
        if "version" in m and not isinstance(m["version"], int):
            fail(problems, lineno, "RECORD 'version' must be an integer")
        if "time_extracted" in m and not isinstance(m["time_extracted"], str):
            fail(problems, lineno, "RECORD 'time_extracted' must be a string")
        v = schemas.get(m["stream"])
        if v is None:
            return fail(problems, lineno, f"RECORD of stream {m['stream']!r} before its SCHEMA")
        for e in v.iter_errors(m["record"]):
            fail(problems, lineno, f"{m['stream']}.{'/'.join(map(str, e.path))}: {e.message}")
    elif t == "STATE":
        if "value" not in m:
            fail(problems, lineno, "STATE needs 'value'")
    elif t == "ACTIVATE_VERSION":
        if not isinstance(m.get("stream"), str) or not isinstance(m.get("version"), int):
            fail(problems, lineno, "ACTIVATE_VERSION needs 'stream' (string) and 'version' (integer)")
    else:
        fail(problems, lineno, f"unknown message type {t!r}")


def main():
    src = open(sys.argv[1], encoding="utf-8") if len(sys.argv) > 1 else sys.stdin
    schemas, problems, count = {}, [], 0
    for lineno, line in enumerate(src, 1):
        if not line.strip():
            continue
        try:
            m = json.loads(line, parse_float=decimal.Decimal)
        except ValueError as e:
            fail(problems, lineno, f"not JSON: {e}")
            continue
        if not isinstance(m, dict):
            fail(problems, lineno, "a message must be a JSON object")
            continue
        check_message(m, lineno, schemas, problems)
        count += 1
    for p in problems[:50]:
        print(p)
    print(f"{count} messages, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
