#!/usr/bin/python3
"""Independent check of a sluice catalog with python3-jsonschema.

usage: validate_catalog.py CATALOG [RECORDS]
Checks every stream schema against the JSON Schema Draft 4 meta-schema, then validates each
line of RECORDS ({"stream": tap_stream_id, "record": {...}}) against its stream's schema with
format checking (date-time, ipv4, ipv6). Prints one line per problem; exit 1 when any.
"""
import datetime
import json
import re
import sys

import jsonschema


# jsonschema checks "date-time" only when an optional RFC 3339 package is installed; this
# check makes the test independent of that.
FORMATS = jsonschema.FormatChecker()
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@FORMATS.checks("date-time", raises=ValueError)
def is_date_time(value):
    if not isinstance(value, str):
        return True
    if not RFC3339.match(value):
        raise ValueError("not RFC 3339")
    datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        catalog = json.load(f)
    problems = []
    schemas = {}
    for stream in catalog["streams"]:
        try:
            jsonschema.Draft4Validator.check_schema(stream["schema"])
        except jsonschema.SchemaError as e:
            problems.append("%s: not a Draft 4 schema: %s" % (stream["tap_stream_id"], e.message))
        schemas[stream["tap_stream_id"]] = stream["schema"]
    count = 0
    if len(sys.argv) > 2:
        with open(sys.argv[2], encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                msg = json.loads(line)
                validator = jsonschema.Draft4Validator(schemas[msg["stream"]],
                                                       format_checker=FORMATS)
                for err in validator.iter_errors(msg["record"]):
                    problems.append("%s %s: %s" % (msg["stream"], list(err.path), err.message))
                count += 1
    for p in problems:
        print(p)
    print("checked %d streams, %d records, %d problems" % (len(schemas), count, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
