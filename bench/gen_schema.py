#!/usr/bin/env python3
"""The JSON Schemas bench/run validates the gen_ndjson.py records against.

One schema, two dialects: draft 2020-12 (normalize, ajv, python-jsonschema)
and draft 7 (fastjsonschema supports drafts 4 to 7 only). Both use the
keywords real API schemas use: nested objects, arrays, $ref into
$defs/definitions, enum, pattern, format, oneOf, minimum/maximum,
uniqueItems and additionalProperties: false. Every valid record of
gen_ndjson.py matches; each of its broken records fails for one reason.

    bench/gen_schema.py 2020-12 out.json
    bench/gen_schema.py 7 out.json
"""

import json
import sys

import gen_ndjson as g

DIALECTS = {
    "2020-12": ("https://json-schema.org/draft/2020-12/schema", "$defs"),
    "7": ("http://json-schema.org/draft-07/schema#", "definitions"),
}


def schema(dialect):
    uri, defs = DIALECTS[dialect]
    ref = "#/%s/" % defs

    def obj(props, required, extra=False):
        return {"type": "object", "properties": props,
                "required": required, "additionalProperties": extra}

    item = obj({
        "sku": {"type": "string", "pattern": "^[A-Z]{2}-[0-9]{4}$"},
        "title": {"type": "string", "minLength": 1, "maxLength": 200},
        "qty": {"type": "integer", "minimum": 1, "maximum": 1000},
        "unit_price": {"type": "number", "minimum": 0},
        "tags": {"type": "array", "items": {"enum": g.TAGS},
                 "uniqueItems": True, "maxItems": 10},
    }, ["sku", "qty", "unit_price"])
    return {
        "$schema": uri,
        "$id": "https://bench.libnormalize.example/event.schema.json",
        "title": "API event (bench/gen_ndjson.py)",
        defs: {
            "money": obj({
                "value": {"type": "number", "minimum": 0},
                "currency": {"enum": g.CURRENCIES},
            }, ["value", "currency"]),
            "item": item,
            "address": obj({
                "street": {"type": "string", "maxLength": 200},
                "city": {"type": "string", "minLength": 1},
                "geo": {"type": "array", "items": {"type": "number"},
                        "minItems": 2, "maxItems": 2},
            }, ["city"]),
        },
        "type": "object",
        "properties": {
            "id": {"type": "integer", "minimum": 1},
            "uuid": {"type": "string", "format": "uuid"},
            "type": {"enum": g.EVENTS},
            "created_at": {"type": "string", "format": "date-time"},
            "user": obj({
                "id": {"type": "integer", "minimum": 1},
                "name": {"type": "string", "minLength": 1},
                "email": {"type": "string", "format": "email"},
                "locale": {"type": "string",
                           "pattern": "^[a-z]{2}-[A-Z]{2}$"},
                "verified": {"type": "boolean"},
                "score": {"type": "number"},
            }, ["id", "name", "email"]),
            "items": {"type": "array", "items": {"$ref": ref + "item"},
                      "maxItems": 100},
            "amount": {"$ref": ref + "money"},
            "paid": {"type": "boolean"},
            "coupon": {"oneOf": [
                {"type": "null"},
                {"type": "string", "pattern": "^SAVE[0-9]{1,3}$"},
            ]},
            "note": {"type": "string", "maxLength": 10000},
            "flags": {"type": "array", "items": {"type": "boolean"}},
            "metrics": obj({
                "latency_ms": {"type": "number", "minimum": 0},
                "retries": {"type": "integer", "minimum": 0, "maximum": 5},
                "bytes": {"type": "integer", "minimum": 0},
                "ratio": {"type": "number"},
            }, ["latency_ms", "retries"]),
            "shipping": obj({
                "method": {"enum": ["standard", "express", "pickup"]},
                "address": {"$ref": ref + "address"},
            }, ["method", "address"]),
        },
        "required": ["id", "uuid", "type", "created_at", "user", "items",
                     "amount", "paid"],
        "additionalProperties": False,
    }


def write(dialect, path):
    with open(path, "w") as f:
        json.dump(schema(dialect), f, indent=2, ensure_ascii=False)
        f.write("\n")
    return path


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in DIALECTS:
        sys.exit("usage: gen_schema.py {2020-12|7} OUT.json")
    write(sys.argv[1], sys.argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
