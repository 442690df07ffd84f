#!/usr/bin/env python3
"""Deterministic generator of realistic, API-like NDJSON records.

The same seed and size always give the same bytes, so benchmark numbers from
different machines and days describe the same input. Records look like what
web services emit: nested objects, arrays of objects, ISO timestamps, ids,
money as reals, booleans and nulls, and strings that carry non-ASCII text,
quotes, control-character escapes and (in some records) \\uXXXX escapes.

Used by bench/run; also runnable alone:
    bench/gen_ndjson.py --size-mb 10 --seed 1 out.ndjson
"""

import argparse
import json
import random
import sys

GENERATOR_VERSION = 3  # bump when the output for a given seed changes
INVALID_RATE = 0.05     # share of records that break bench/gen_schema.py's schema

FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Ken", "Dennis",
         "Margaret", "José", "Zoë", "Søren", "Ngozi", "Björn", "Anaïs",
         "Łukasz", "Ærin", "Dmitri", "Priya", "Mei", "Yusuf"]
LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Thompson",
        "Ritchie", "Hamilton", "Núñez", "Brandt", "Kierkegaard", "Okonjo",
        "Ødegaard", "Müller", "Wójcik", "Ivanov", "Sharma", "Chen", "Yılmaz"]
CJK_NAMES = ["山田 太郎", "佐藤 花子", "王 小明", "김 민준", "Иван Петров",
             "Σωκράτης Παππάς", "محمد علي", "שרה כהן"]
EVENTS = ["order.created", "order.paid", "order.shipped", "order.cancelled",
          "user.signup", "user.login", "cart.updated", "refund.issued"]
CURRENCIES = ["EUR", "USD", "GBP", "JPY", "DKK", "NGN", "INR", "CHF"]
LOCALES = ["en-GB", "en-US", "de-DE", "fr-FR", "ja-JP", "da-DK", "pt-BR"]
TAGS = ["gift", "express", "fragile", "b2b", "repeat", "promo", "eco",
        "priority", "international", "backorder"]
WORDS = ["lamp", "notebook", "café", "keyboard", "cable", "mug", "tea",
         "pen", "chair", "desk", "plush", "charger", "sticker", "book"]
NOTES = [
    "Leave at the front desk.\nRing twice.",
    "Customer said: \"deliver after 5pm\"",
    "Path: C:\\Users\\orders\\inbox",
    "Tabs\tand\ttabs",
    "Grüße aus Köln — bitte klingeln",
    "東京都渋谷区 1-2-3, ビル 4F",
    "Ship with care ✨ 🚀 📦",
    "Ünïcödé everywhere: ça va? ¿qué tal? 你好",
    "",
    "plain ascii note without anything special",
]


def _record(rng, n):
    """One event record; n is its sequence number (keeps ids unique)."""
    items = []
    for _ in range(rng.randrange(0, 6)):
        items.append({
            "sku": "%s-%04d" % (rng.choice("ABCDEFGHKLMP") * 2,
                                rng.randrange(10000)),
            "title": "%s %s" % (rng.choice(WORDS).capitalize(),
                                rng.choice(WORDS)),
            "qty": rng.randrange(1, 10),
            "unit_price": round(rng.uniform(0.5, 500.0), 2),
            "tags": rng.sample(TAGS, rng.randrange(0, 4)),
        })
    total = round(sum(i["qty"] * i["unit_price"] for i in items), 2)
    if rng.random() < 0.12:
        name = rng.choice(CJK_NAMES)
    else:
        name = "%s %s" % (rng.choice(FIRST), rng.choice(LAST))
    rec = {
        "id": 1000000 + n,
        "uuid": "%08x-%04x-4%03x-%04x-%012x" % (
            rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12),
            0x8000 | rng.getrandbits(14), rng.getrandbits(48)),
        "type": rng.choice(EVENTS),
        "created_at": "2024-%02d-%02dT%02d:%02d:%02d.%03dZ" % (
            rng.randrange(1, 13), rng.randrange(1, 29), rng.randrange(24),
            rng.randrange(60), rng.randrange(60), rng.randrange(1000)),
        "user": {
            "id": rng.randrange(1, 1 << 31),
            "name": name,
            "email": "user%d@example.%s" % (rng.randrange(100000),
                                            rng.choice(["org", "com", "de"])),
            "locale": rng.choice(LOCALES),
            "verified": rng.random() < 0.7,
            "score": round(rng.gauss(0.5, 0.2), 6),
        },
        "items": items,
        "amount": {"value": total, "currency": rng.choice(CURRENCIES)},
        "paid": rng.random() < 0.8,
        "coupon": None if rng.random() < 0.85 else "SAVE%d" % rng.randrange(50),
        "note": rng.choice(NOTES),
        "flags": [rng.random() < 0.5 for _ in range(rng.randrange(0, 4))],
        "metrics": {
            "latency_ms": round(rng.expovariate(1 / 40.0), 3),
            "retries": rng.randrange(0, 3),
            "bytes": rng.randrange(0, 1 << 53),
            "ratio": rng.choice([0.0, -1.5e-7, 3.25e10, 1.0, 0.1]),
        },
    }
    if rng.random() < 0.3:
        rec["shipping"] = {
            "method": rng.choice(["standard", "express", "pickup"]),
            "address": {"street": "%s %d" % (rng.choice(
                ["Hauptstraße", "Main St", "Rue de la Paix", "Calle Mayor"]),
                rng.randrange(1, 200)),
                "city": rng.choice(["Köln", "London", "Paris", "Madrid",
                                    "東京", "Lagos"]),
                "geo": [round(rng.uniform(-90, 90), 6),
                        round(rng.uniform(-180, 180), 6)]},
        }
    return rec


def _break(rng, rec):
    """Make rec invalid against bench/gen_schema.py's schema in one of many
    ways, so validators cannot win by short-cutting one keyword. Returns
    the keyword broken (for the record count only; not written)."""
    kind = rng.randrange(10)
    if kind == 0:
        del rec["type"]                              # required
    elif kind == 1:
        rec["id"] = str(rec["id"])                   # type
    elif kind == 2:
        rec["amount"]["currency"] = "XBT"            # enum, via $ref
    elif kind == 3:
        if rec["items"]:
            rec["items"][-1]["sku"] = "x-1"          # pattern, in an array
        else:
            rec["user"]["locale"] = "english"        # pattern
    elif kind == 4:
        rec["user"]["email"] = "user.example.org"    # format: email
    elif kind == 5:
        rec["uuid"] = "%s-not-a-uuid" % rec["id"]    # format: uuid
    elif kind == 6:
        rec["debug"] = {"trace": True}               # additionalProperties
    elif kind == 7:
        rec["coupon"] = 42                           # oneOf: neither branch
    elif kind == 8:
        rec["metrics"]["retries"] = -1               # minimum
    else:
        rec["created_at"] = "2024-13-45 25:61"       # format: date-time
    return kind


def generate(path, size_bytes, seed):
    """Write records to path until it holds at least size_bytes; return
    (bytes written, record count)."""
    rng = random.Random(seed)
    compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
    # Every seventh record escapes non-ASCII as \uXXXX, like many encoders.
    escaped = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"))
    written = 0
    count = 0
    chunk = []
    chunk_bytes = 0
    with open(path, "wb") as f:
        while written + chunk_bytes < size_bytes:
            enc = escaped if count % 7 == 3 else compact
            rec = _record(rng, count)
            if rng.random() < INVALID_RATE:
                _break(rng, rec)
            line = (enc.encode(rec) + "\n").encode("utf-8")
            chunk.append(line)
            chunk_bytes += len(line)
            count += 1
            if chunk_bytes >= (8 << 20):  # write in 8 MiB pieces
                f.write(b"".join(chunk))
                written += chunk_bytes
                chunk = []
                chunk_bytes = 0
        if chunk:
            f.write(b"".join(chunk))
            written += chunk_bytes
    return written, count


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mb", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=20240301)
    ap.add_argument("output")
    args = ap.parse_args()
    size, count = generate(args.output, int(args.size_mb * 1e6), args.seed)
    print("%s: %d bytes, %d records" % (args.output, size, count))
    return 0


if __name__ == "__main__":
    sys.exit(main())
