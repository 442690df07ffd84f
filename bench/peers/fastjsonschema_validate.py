#!/usr/bin/python3
"""fastjsonschema validating NDJSON (run with Debian's /usr/bin/python3,
which has the python3-fastjsonschema package).

    fastjsonschema_validate.py SCHEMA FILE

fastjsonschema supports drafts 4 to 7, so bench/run gives it the draft-7
variant of the schema. Best mode: the schema is compiled once to Python
code; it stops at the first error (it has no all-errors mode), and
asserts format (it knows no "uuid" format, so the same check is given
as a custom format regex). Prints "records N invalid M"; exits 1 when a record is
invalid, like `normalize validate`.
"""

import json
import sys

import fastjsonschema


FORMATS = {"uuid": r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                   r"[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"}


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: fastjsonschema_validate.py SCHEMA FILE\n")
        return 64
    with open(sys.argv[1], encoding="utf-8") as f:
        validate = fastjsonschema.compile(json.load(f), formats=FORMATS)
    error = fastjsonschema.JsonSchemaValueException
    records = invalid = 0
    loads = json.loads
    with open(sys.argv[2], "rb") as f:
        for line in f:
            if not line.strip():
                continue
            records += 1
            try:
                validate(loads(line))
            except error:
                invalid += 1
    print("records %d invalid %d" % (records, invalid))
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main())
