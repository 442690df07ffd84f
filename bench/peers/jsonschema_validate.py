#!/usr/bin/python3
"""python-jsonschema validating NDJSON (run with Debian's /usr/bin/python3,
which has the python3-jsonschema package).

    jsonschema_validate.py [--all-errors] SCHEMA FILE

Best mode: the validator class for the schema's $schema is built once,
with a FormatChecker (format is asserted, as by the other tools); fast
mode asks is_valid() (stops at the first error), --all-errors collects
every error with iter_errors(). Prints "records N invalid M"; exits 1 when
a record is invalid, like `normalize validate`.
"""

import json
import sys

import jsonschema


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    all_errors = "--all-errors" in sys.argv
    if len(args) != 2:
        sys.stderr.write("usage: jsonschema_validate.py [--all-errors] "
                         "SCHEMA FILE\n")
        return 64
    with open(args[0], encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    v = cls(schema, format_checker=cls.FORMAT_CHECKER
            if hasattr(cls, "FORMAT_CHECKER") else jsonschema.FormatChecker())
    records = invalid = errors = 0
    loads = json.loads
    with open(args[1], "rb") as f:
        for line in f:
            if not line.strip():
                continue
            records += 1
            rec = loads(line)
            if all_errors:
                n = sum(1 for _ in v.iter_errors(rec))
                if n:
                    invalid += 1
                    errors += n
            elif not v.is_valid(rec):
                invalid += 1
    print("records %d invalid %d errors %d" % (records, invalid, errors))
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main())
