#!/usr/bin/env python3
"""Run the golden cases: each case is a folder of data, not code.

    run_golden.py NORMALIZE AREA_DIR [AREA_DIR...]

Every sub-folder of an AREA_DIR (testdata/json, ...) is one case:

    input   the bytes to convert (required; may be made by `generate`)
    command the subcommand to run (`convert` when absent, or `validate`)
    generate  a Python script that writes `input` (and any other file the
            case needs): large hostile inputs are made at run time, never
            committed. The case then runs in a temporary copy of its
            folder, removed afterwards.
    flags   arguments after `normalize COMMAND`, split like a shell does;
            a lone `-` among them feeds `input` on standard input
            (the source name in messages is then `<stdin>`)
    output  the exact expected standard output; without it, standard
            output must be empty
    error   first line `LINE COLUMN`, then the message: the first line of
            standard error must be `input:LINE:COLUMN: error: MESSAGE`
    stderr  the exact expected standard error (all of it); @CASEDIR@
            stands for the absolute path of the folder the case runs in
    exit    the expected exit status (default: 2 with `error`, else 0)

With neither `error` nor `stderr`, standard error must be empty. The CLI
runs with the case folder as working directory and `input` as its
argument. NORMALIZE_WRAPPER (e.g. "valgrind --error-exitcode=99 -q")
is put in front of the command. Standard library only.
"""

import contextlib
import difflib
import os
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile

TIMEOUT_SECONDS = 120


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def visible_lines(data):
    """Bytes as text lines with invisible characters spelled out, so a
    diff shows a missing CR, RS or NUL instead of two equal-looking lines."""
    text = data.decode("utf-8", "backslashreplace")
    out = []
    for line in text.split("\n"):
        shown = []
        for ch in line:
            if ch == "\t":
                shown.append("\\t")
            elif ord(ch) < 0x20 or ord(ch) == 0x7F:
                shown.append("\\x%02x" % ord(ch))
            else:
                shown.append(ch)
        out.append("".join(shown))
    if out and out[-1] == "":
        out.pop()  # the text ended with a newline
    elif data:
        out.append("\\ (no newline at end)")
    return out


def diff(expected, actual):
    lines = difflib.unified_diff(visible_lines(expected),
                                 visible_lines(actual),
                                 "expected", "actual", lineterm="")
    return "\n".join("    " + line for line in lines)


class Case:
    """One case folder, read and checked for completeness."""

    def __init__(self, path):
        self.path = path
        self.problems = []

        def opt(name):
            p = os.path.join(path, name)
            return read_bytes(p) if os.path.isfile(p) else None

        if not os.path.isfile(os.path.join(path, "input")):
            self.problems.append("the case has no `input` file")
        flags = opt("flags")
        try:
            self.flags = shlex.split(flags.decode("utf-8")) if flags else []
        except ValueError as e:
            self.problems.append("`flags` cannot be split: %s" % e)
            self.flags = []
        self.use_stdin = "-" in self.flags
        command = opt("command")
        self.command = command.decode("utf-8").strip() if command else "convert"
        if self.command not in ("convert", "validate"):
            self.problems.append("`command` must be convert or validate")
        self.output = opt("output")
        self.stderr = opt("stderr")
        self.error = None
        error = opt("error")
        if error is not None:
            self.error = self.parse_error(error)
        if self.output is None and error is None and self.stderr is None:
            self.problems.append("the case needs `output`, `error` or `stderr`")
        exit_text = opt("exit")
        self.exit = 2 if error is not None else 0
        if exit_text is not None:
            try:
                self.exit = int(exit_text.decode("ascii").strip())
            except ValueError:
                self.problems.append("`exit` is not a number")

    def parse_error(self, data):
        lines = data.decode("utf-8").split("\n")
        where = lines[0].split()
        message = "\n".join(lines[1:]).rstrip("\n")
        if len(where) != 2 or not all(w.isdigit() for w in where) or not message:
            self.problems.append(
                "`error` must be `LINE COLUMN` on its first line, "
                "then the message")
            return None
        source = "<stdin>" if self.use_stdin else "input"
        return "%s:%s:%s: error: %s" % (source, where[0], where[1], message)


def run_case(command, case):
    """Return a list of failure reasons (empty when the case passes)."""
    if case.problems:
        return case.problems
    args = command + [case.command] + case.flags
    if not case.use_stdin:
        args.append("input")
    stdin_data = read_bytes(os.path.join(case.path, "input")) \
        if case.use_stdin else b""
    try:
        proc = subprocess.run(args, cwd=case.path, input=stdin_data,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        return ["timed out after %d s" % TIMEOUT_SECONDS]
    except OSError as e:
        return ["cannot run %s: %s" % (args[0], e)]

    failures = []
    if proc.returncode != case.exit:
        failures.append("exit status %d, expected %d\n    stderr: %s" % (
            proc.returncode, case.exit,
            "\n            ".join(visible_lines(proc.stderr)) or "(empty)"))

    expected_out = case.output if case.output is not None else b""
    if proc.stdout != expected_out:
        what = "stdout differs" if case.output is not None \
            else "stdout should be empty"
        failures.append(what + "\n" + diff(expected_out, proc.stdout))

    if case.stderr is not None:
        expected_err = case.stderr.replace(
            b"@CASEDIR@", os.path.abspath(case.path).encode())
        if proc.stderr != expected_err:
            failures.append("stderr differs\n" + diff(expected_err,
                                                      proc.stderr))
    if case.error is not None:
        first = proc.stderr.split(b"\n", 1)[0].decode("utf-8",
                                                      "backslashreplace")
        if first != case.error:
            failures.append("first stderr line differs\n" + diff(
                case.error.encode() + b"\n", first.encode() + b"\n"))
    if case.stderr is None and case.error is None and proc.stderr:
        failures.append("stderr should be empty\n" + diff(b"", proc.stderr))
    return failures


GENERATOR_MEMORY = 2 << 30


def limit_generator():
    """A `generate` script gets 2 GiB of address space: a runaway one fails
    alone instead of pushing the machine into the OOM killer."""
    resource.setrlimit(resource.RLIMIT_AS,
                       (GENERATOR_MEMORY, GENERATOR_MEMORY))


@contextlib.contextmanager
def prepared(path):
    """The folder to run the case in: the case's own, or, when it has a
    `generate` script, a temporary copy where that script has run. Yields
    (folder, problem); problem is None or why the generation failed."""
    if not os.path.isfile(os.path.join(path, "generate")):
        yield path, None
        return
    work = tempfile.mkdtemp(prefix="golden-")
    try:
        shutil.copytree(path, work, dirs_exist_ok=True)
        proc = subprocess.run([sys.executable, "generate"], cwd=work,
                              preexec_fn=limit_generator,
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, timeout=TIMEOUT_SECONDS)
        problem = None
        if proc.returncode != 0:
            problem = "`generate` failed: " + proc.stderr.decode(
                "utf-8", "backslashreplace")
        yield work, problem
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv):
    if len(argv) < 3:
        print("usage: run_golden.py NORMALIZE AREA_DIR [AREA_DIR...]",
              file=sys.stderr)
        return 2
    wrapper = shlex.split(os.environ.get("NORMALIZE_WRAPPER", ""))
    command = wrapper + [os.path.abspath(argv[1])]
    passed = failed = 0
    for area in argv[2:]:
        area_name = os.path.basename(os.path.normpath(area))
        try:
            names = sorted(os.listdir(area))
        except OSError as e:
            print("FAIL %s: cannot list the cases: %s" % (area, e))
            failed += 1
            continue
        for name in names:
            path = os.path.join(area, name)
            if name.startswith(".") or not os.path.isdir(path):
                continue
            with prepared(path) as (work, problem):
                failures = [problem] if problem else \
                    run_case(command, Case(work))
            if failures:
                failed += 1
                print("FAIL %s/%s: %s" % (area_name, name,
                                          "\n  ".join(failures)))
            else:
                passed += 1
    if passed + failed == 0:
        print("no cases found in %s" % " ".join(argv[2:]))
        failed = 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
