#!/usr/bin/env python3
"""`normalize validate`: golden cases and exit codes.

    test_validate.py NORMALIZE CASES_DIR

Every folder of CASES_DIR (testdata/validate) is one case, run with the
folder as the working directory:
    args     the arguments after `normalize validate` (one line, split on
             blanks)
    stdin    standard input (optional; empty when absent)
    stdout   expected standard output (optional: empty)
    stderr   expected standard error (optional: empty); the case folder's
             absolute path is written $CASE
    exit     expected exit status (optional: 0)
Adding a case is adding a folder. `--regen` rewrites the expected files
from the program's current output (review the diff before keeping it).
The run ends with `N passed, N failed`. Standard library only.
"""

import os
import subprocess
import sys
import tempfile

EXE = None


def run(args, stdin=b"", cwd=None):
    return subprocess.run([EXE, "validate"] + args, input=stdin, cwd=cwd,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=120)


def read(path, default=b""):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return default


def run_case(case_dir, regen):
    args = read(os.path.join(case_dir, "args")).decode().split()
    proc = run(args, read(os.path.join(case_dir, "stdin")), cwd=case_dir)
    # messages about referenced files name them by absolute path or
    # file:// URI: write the case folder as $CASE
    here = os.path.realpath(case_dir).encode()
    proc.stdout = proc.stdout.replace(here, b"$CASE")
    proc.stderr = proc.stderr.replace(here, b"$CASE")
    if regen:
        for name, data in (("stdout", proc.stdout), ("stderr", proc.stderr),
                           ("exit", b"%d\n" % proc.returncode)):
            path = os.path.join(case_dir, name)
            if data and data != b"0\n":
                with open(path, "wb") as f:
                    f.write(data)
            elif os.path.exists(path):
                os.remove(path)
        return []
    problems = []
    want_exit = int(read(os.path.join(case_dir, "exit"), b"0").strip() or 0)
    if proc.returncode != want_exit:
        problems.append("exit %d, expected %d" % (proc.returncode, want_exit))
    for name, got in (("stdout", proc.stdout), ("stderr", proc.stderr)):
        want = read(os.path.join(case_dir, name))
        if got != want:
            problems.append("%s differs:\n--- expected\n%s--- got\n%s" % (
                name, want.decode("utf-8", "replace"),
                got.decode("utf-8", "replace")))
    return problems


# ---- checks that golden files cannot express ---------------------------

def check_usage_errors(tmp):
    schema = os.path.join(tmp, "s.json")
    with open(schema, "w") as f:
        f.write('{"type": "integer"}')
    problems = []
    for args, needle in (
            ([], b"missing the schema"),
            (["-s", schema, "--dialect", "5"], b"unknown dialect '5'"),
            (["-s", schema, "--output", "verbose"],
             b"unknown output format 'verbose'"),
            (["-s", schema, "--ref-map", "nothing"], b"PREFIX=DIR"),
            (["-s", schema, "--frobnicate"], b"unknown option")):
        proc = run(args)
        if proc.returncode != 64 or needle not in proc.stderr:
            problems.append("%s: exit %d, stderr %r" % (
                args, proc.returncode, proc.stderr))
    return problems


def check_missing_files(tmp):
    problems = []
    proc = run(["-s", os.path.join(tmp, "absent.json")])
    if proc.returncode != 3 or b"cannot open" not in proc.stderr:
        problems.append("missing schema: exit %d, %r" % (proc.returncode,
                                                         proc.stderr))
    schema = os.path.join(tmp, "s.json")
    proc = run(["-s", schema, os.path.join(tmp, "absent.ndjson")])
    if proc.returncode != 2 or b"cannot open" not in proc.stderr:
        problems.append("missing input: exit %d, %r" % (proc.returncode,
                                                        proc.stderr))
    return problems


def check_help(tmp):
    proc = subprocess.run([EXE, "validate", "--help"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=60)
    out = proc.stdout
    problems = []
    for needle in (b"--schema", b"--ref-map", b"--assert-formats",
                   b"Exit status:"):
        if needle not in out:
            problems.append("--help lacks %r" % needle)
    if proc.returncode != 0:
        problems.append("--help exit %d" % proc.returncode)
    same = subprocess.run([EXE, "help", "validate"], stdout=subprocess.PIPE,
                          timeout=60)
    if same.stdout != out:
        problems.append("`help validate` differs from `validate --help`")
    return problems


def check_assert_formats(tmp):
    schema = os.path.join(tmp, "f.json")
    with open(schema, "w") as f:
        f.write('{"format": "date"}')
    problems = []
    data = b'"2024-02-30"\n'
    plain = run(["-s", schema, "--output", "flag"], data)
    strict = run(["-s", schema, "--output", "flag", "--assert-formats"], data)
    if plain.stdout != b'{"valid":true}\n' or plain.returncode != 0:
        problems.append("format is an annotation in 2020-12 by default: %r"
                        % plain.stdout)
    if strict.stdout != b'{"valid":false}\n' or strict.returncode != 1:
        problems.append("--assert-formats: %r" % strict.stdout)
    return problems


def main():
    global EXE
    regen = "--regen" in sys.argv
    argv = [a for a in sys.argv[1:] if a != "--regen"]
    EXE, cases_dir = argv[0], argv[1]
    passed = failed = 0
    for name in sorted(os.listdir(cases_dir)):
        case_dir = os.path.join(cases_dir, name)
        if not os.path.isdir(case_dir):
            continue
        problems = run_case(case_dir, regen)
        if problems:
            failed += 1
            print("FAIL %s\n  %s" % (name, "\n  ".join(problems)))
        else:
            passed += 1
            print("ok   %s" % name)
    with tempfile.TemporaryDirectory() as tmp:
        for check in (check_usage_errors, check_missing_files, check_help,
                      check_assert_formats):
            problems = check(tmp)
            if problems:
                failed += 1
                print("FAIL %s\n  %s" % (check.__name__,
                                         "\n  ".join(problems)))
            else:
                passed += 1
                print("ok   %s" % check.__name__)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
