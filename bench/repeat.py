#!/usr/bin/env python3
"""Write a CSV, YAML, XML or NDJSON file to stdout N times as one valid
input of its format, so bench/run can stream ~1 GB through normalize
without generating (or storing) a 1 GB file:

    repeat.py FORMAT FILE N | normalize convert -f FORMAT -t ndjson -

CSV: the header row once. XML: the prolog and <root> once, then the body
of every copy, then </root> (the file must be normalize's XML writer
output: <root> holding the records). YAML: copies separated by "---".
NDJSON/JSON Lines: plain copies.
"""

import os
import sys

CHUNK = 1 << 20


def spans(path, fmt):
    """(head, body start, body end, foot) of path for fmt."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        first = f.read(4096)
        f.seek(max(0, size - 4096))
        last = f.read()
    if fmt == "csv":
        start = first.index(b"\n") + 1
        return first[:start], start, size, b""
    if fmt == "xml":
        start = first.index(b"<root>") + len(b"<root>")
        end = size - (len(last) - last.rindex(b"</root>"))
        return first[:start], start, end, b"</root>\n"
    return b"", 0, size, b""


def repeat(path, fmt, copies, out):
    head, start, end, foot = spans(path, fmt)
    out.write(head)
    with open(path, "rb") as f:
        for i in range(copies):
            if fmt == "yaml" and i:
                out.write(b"---\n")
            f.seek(start)
            left = end - start
            while left > 0:
                chunk = f.read(min(left, CHUNK))
                if not chunk:
                    break
                out.write(chunk)
                left -= len(chunk)
    out.write(foot)


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("csv", "xml", "yaml",
                                                 "ndjson"):
        sys.stderr.write("usage: repeat.py {csv|xml|yaml|ndjson} FILE N\n")
        return 64
    try:
        repeat(sys.argv[2], sys.argv[1], int(sys.argv[3]), sys.stdout.buffer)
    except BrokenPipeError:
        return 141
    return 0


if __name__ == "__main__":
    sys.exit(main())
