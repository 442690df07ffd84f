#!/usr/bin/env python3
"""Wall time and peak RSS of every hostile case (issue 6: target < 1 s and
< 64 MB each). Measured and printed, never asserted: timings depend on the
machine, so the golden test checks the error and this reports the cost.

    measure.py NORMALIZE [CASE...]

Each case runs as tests/golden/run_golden.py runs it (a temporary copy of
the folder when it has a `generate` script), under `/usr/bin/time -v`.
The generation itself is not measured. Prints a Markdown table.
"""

import os
import re
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TIME = "/usr/bin/time"


def limit_generator():
    """2 GiB of address space for a `generate` script (as run_golden.py)."""
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def measure(normalize, case):
    path = os.path.join(HERE, case)
    work = tempfile.mkdtemp(prefix="hostile-")
    try:
        shutil.copytree(path, work, dirs_exist_ok=True)
        if os.path.isfile(os.path.join(work, "generate")):
            subprocess.run([sys.executable, "generate"], cwd=work, check=True,
                           preexec_fn=limit_generator)
        command = "convert"
        if os.path.isfile(os.path.join(work, "command")):
            with open(os.path.join(work, "command")) as f:
                command = f.read().strip()
        with open(os.path.join(work, "flags")) as f:
            flags = shlex.split(f.read())
        size = os.path.getsize(os.path.join(work, "input"))
        proc = subprocess.run([TIME, "-v", normalize, command] + flags +
                              ["input"], cwd=work, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
        err = proc.stderr.decode("utf-8", "backslashreplace")
        wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", err)
        rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
        status = re.search(r"Exit status: (\d+)", err)
        seconds = (int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 +
                   float(wall.group(3)))
        return size, seconds, int(rss.group(1)) / 1024.0, int(status.group(1))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    normalize = os.path.abspath(argv[1])
    cases = argv[2:] or sorted(
        n for n in os.listdir(HERE) if os.path.isdir(os.path.join(HERE, n)))
    print("| case | input | exit | wall s | peak RSS MB | within target |")
    print("|---|---:|---:|---:|---:|---|")
    over = 0
    for case in cases:
        size, seconds, rss, status = measure(normalize, case)
        ok = seconds < 1.0 and rss < 64.0
        over += not ok
        shown = ("%.1f MB" % (size / 1048576.0) if size >= 1048576
                 else "%d B" % size)
        print("| %s | %s | %d | %.2f | %.1f | %s |" % (
            case, shown, status, seconds, rss, "yes" if ok else "NO"))
    print("\n%d of %d cases over 1 s or 64 MB" % (over, len(cases)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
