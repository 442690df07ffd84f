#!/usr/bin/env python3
"""Behaviour of the `normalize` program that golden cases cannot show:
help, man page and parser agreeing; exit codes; files; closed pipes.

    test_cli.py NORMALIZE MAN_PAGE

Each test_* function is one check; the run ends with `N passed, N failed`.
Standard library only.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

EXE = None
MAN = None
TMP = None

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_PIPE = 0, 2, 64, 141


def run(*args, stdin=b"", cwd=None):
    return subprocess.run([EXE] + list(args), input=stdin, cwd=cwd,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=120)


def text(data):
    return (data or b"").decode("utf-8", "replace")


def write(name, data):
    path = os.path.join(TMP, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def check_run(proc, status, what):
    check(proc.returncode == status,
          "%s: exit status %d, expected %d; stderr: %r" % (
              what, proc.returncode, status, text(proc.stderr)))


# ---- help, man page and parser ------------------------------------------

OPTION_LINE = re.compile(
    r"^\s+(?:-(?P<short>\w), )?--(?P<long>[a-z][a-z0-9-]*)(?: (?P<arg>[A-Z]+))?")


def help_options(*args):
    """Options listed by `normalize ARGS --help`: {long: (short, ARG)}."""
    proc = run(*args, "--help")
    check_run(proc, EXIT_OK, " ".join(args + ("--help",)))
    found = {}
    for line in text(proc.stdout).splitlines():
        m = OPTION_LINE.match(line)
        if m:
            found[m.group("long")] = (m.group("short"), m.group("arg"))
    check(found, "no options found in %s --help" % " ".join(args))
    return found, text(proc.stdout)


def man_text():
    with open(MAN, encoding="utf-8") as f:
        roff = f.read()
    roff = "\n".join(l for l in roff.splitlines() if not l.startswith('.\\"'))
    roff = re.sub(r"\\f[BIRP]", "", roff)
    return roff.replace("\\-", "-").replace("\\(rs", "\\")


def man_section(roff, title):
    m = re.search(r"^\.SH \"?%s\"?\n(.*?)(?=^\.SH |\Z)" % re.escape(title),
                  roff, re.S | re.M)
    check(m, "the man page has no %s section" % title)
    return m.group(1)


def test_man_page_has_the_sections():
    roff = man_text()
    for title in ("NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "OPTIONS",
                  "EXIT STATUS", "EXAMPLES", "LIMITS", "SEE ALSO"):
        man_section(roff, title)


def man_option_entries():
    """The options the man page documents, from the line after each .TP
    in OPTIONS: {long: (short, ARG)}."""
    section = man_section(man_text(), "OPTIONS")
    entries = {}
    for label in re.findall(r"^\.TP\n(.*)$", section, re.M):
        label = label.replace('"', " ")
        m = re.search(r"--([a-z][a-z0-9-]*[a-z0-9])", label)
        if not m:
            continue
        short = re.search(r"(?:^|\s)-([A-Za-z])\b", label)
        arg = re.search(r"\b([A-Z]{1,10})\s*$", label)
        entries[m.group(1)] = (short.group(1) if short else None,
                               arg.group(1) if arg else None)
    check(entries, "no option entries found in the man page")
    return entries


def test_help_and_man_page_list_the_same_options():
    convert, _ = help_options("convert")
    main, _ = help_options()
    in_help = dict(main)
    in_help.update(convert)
    in_man = man_option_entries()
    check(set(in_help) - set(in_man) == set(),
          "in --help but without an entry in the man page: %s"
          % sorted(set(in_help) - set(in_man)))
    check(set(in_man) - set(in_help) == set(),
          "in the man page but not in --help: %s"
          % sorted(set(in_man) - set(in_help)))
    for name in sorted(in_help):
        check(in_help[name] == in_man[name],
              "--%s: --help says (short, argument) = %s, the man page %s"
              % (name, in_help[name], in_man[name]))
    everywhere = set(re.findall(r"--([a-z][a-z0-9-]*[a-z0-9])", man_text()))
    check(everywhere <= set(in_help),
          "the man page mentions unknown options: %s"
          % sorted(everywhere - set(in_help)))


def test_help_and_man_page_list_the_same_exit_codes():
    _, main_help = help_options()
    _, convert_help = help_options("convert")
    man = man_section(man_text(), "EXIT STATUS")
    in_man = set(int(n) for n in re.findall(r"^\.B (\d+)$", man, re.M))
    check(in_man == {0, 1, 2, 3, 64, 141},
          "man page exit codes: %s" % sorted(in_man))
    for name, help_text in (("normalize", main_help),
                            ("normalize convert", convert_help)):
        section = help_text.split("Exit status:", 1)
        check(len(section) == 2, "%s --help has no exit status" % name)
        codes = set(int(n) for n in
                    re.findall(r"^  (\d+) ", section[1], re.M))
        check(codes == in_man, "%s --help lists exit codes %s, the man "
              "page %s" % (name, sorted(codes), sorted(in_man)))


SAMPLE_VALUES = {"FORMAT": "json", "N": "2", "SIZE": "1M", "MODE": "last"}


def sample_value(arg):
    if arg == "FILE":
        return os.path.join(TMP, "accepted.json")
    check(arg in SAMPLE_VALUES, "no sample value for %s" % arg)
    return SAMPLE_VALUES[arg]


def test_parser_accepts_every_option_in_help():
    options, _ = help_options("convert")
    for name, (short, arg) in sorted(options.items()):
        spellings = ["--" + name] + (["-" + short] if short else [])
        for spelling in spellings:
            args = [spelling] + ([sample_value(arg)] if arg else [])
            proc = run("convert", *args, stdin=b'{"a": 1}')
            check(proc.returncode == EXIT_OK,
                  "convert %s: exit %d, stderr %r" % (
                      " ".join(args), proc.returncode, text(proc.stderr)))
    for name in help_options()[0]:
        check_run(run("--" + name), EXIT_OK, "normalize --" + name)


def test_version():
    proc = run("--version")
    check_run(proc, EXIT_OK, "--version")
    check(re.fullmatch(rb"normalize \d+\.\d+\.\d+\n", proc.stdout),
          "--version printed %r" % proc.stdout)
    check(proc.stderr == b"", "--version wrote to stderr")


def test_help_command_is_convert_help():
    a = run("help", "convert")
    b = run("convert", "--help")
    check_run(a, EXIT_OK, "help convert")
    check_run(b, EXIT_OK, "convert --help")
    check(a.stdout == b.stdout and a.stdout.startswith(b"Usage: normalize "
                                                       b"convert"),
          "`help convert` and `convert --help` differ")
    main = run("--help")
    check_run(main, EXIT_OK, "--help")
    check(b"convert" in main.stdout, "--help does not list convert")
    check(run("help").stdout == main.stdout, "`help` differs from --help")


# ---- usage errors -------------------------------------------------------

USAGE_ERRORS = [
    (["convert", "--frobnicate"], "unknown option '--frobnicate'"),
    (["convert", "-x"], "unknown option '-x'"),
    (["convert", "--pre"], "did you mean '--pretty'"),
    (["convert", "--indent", "17"], "--indent: '17'"),
    (["convert", "--indent", "x"], "--indent: 'x'"),
    (["convert", "--indent", "-1"], "--indent: '-1'"),
    (["convert", "--indent", " 2"], "--indent: ' 2'"),
    (["convert", "--indent"], "needs a value"),
    (["convert", "--max-depth", "0"], "--max-depth: '0'"),
    (["convert", "--max-record-size", "abc"], "--max-record-size: 'abc'"),
    (["convert", "--max-record-size", "-5"], "--max-record-size: '-5'"),
    (["convert", "--max-record-size", "12X"], "--max-record-size: '12X'"),
    (["convert", "--max-record-size", "64MB"], "--max-record-size: '64MB'"),
    (["convert", "--max-record-size", "0"], "--max-record-size: '0'"),
    (["convert", "--max-record-size", "99999999999999999999"],
     "--max-record-size: '99999999999999999999'"),
    (["convert", "--max-record-size", "17179869184G"],
     "--max-record-size: '17179869184G'"),
    (["convert", "--pretty", "-t", "ndjson"], "ndjson"),
    (["convert", "--indent", "4", "-t", "ndjson"], "ndjson"),
    (["convert", "--canonical", "--pretty"], "--canonical"),
    (["convert", "--canonical", "--indent", "2"], "--canonical"),
    (["convert", "--compact", "--pretty"], "contradict"),
    (["convert", "--array", "-t", "ndjson"], "--array"),
    (["convert", "-f", "xml"], "unknown input format 'xml'"),
    (["convert", "-t", "yaml"], "unknown output format 'yaml'"),
    (["convert", "--duplicate-keys", "first"], "'first'"),
    (["convert", "--pretty=yes"], "takes no value"),
    (["convert", "-f", "ndjson", "--single"], "--single"),
]


def test_usage_errors_exit_64_with_a_hint():
    for args, expected in USAGE_ERRORS:
        proc = run(*args)
        what = " ".join(args)
        check_run(proc, EXIT_USAGE, what)
        lines = text(proc.stderr).splitlines()
        check(len(lines) == 2, "%s: stderr %r" % (what, lines))
        check(lines[0].startswith("normalize: error: ") and
              expected in lines[0],
              "%s: %r does not say %r" % (what, lines[0], expected))
        check(lines[1] == "normalize: try 'normalize convert --help'",
              "%s: hint is %r" % (what, lines[1]))
        check(proc.stdout == b"", "%s: wrote to stdout" % what)


def test_unknown_command_exits_64():
    for args in (["frobnicate"], [], ["--frobnicate"], ["help", "nope"]):
        proc = run(*args)
        check_run(proc, EXIT_USAGE, "normalize %s" % " ".join(args))
        lines = text(proc.stderr).splitlines()
        check(len(lines) == 2 and lines[0].startswith("normalize: error: ")
              and lines[1] == "normalize: try 'normalize --help'",
              "normalize %s: stderr %r" % (" ".join(args), lines))


# ---- files --------------------------------------------------------------

def test_missing_file_exits_2_naming_it():
    missing = os.path.join(TMP, "no-such-file.json")
    proc = run("convert", missing)
    check_run(proc, EXIT_INPUT, "missing file")
    check(text(proc.stderr) == "%s: error: cannot open: No such file or "
          "directory\n" % missing, "stderr: %r" % text(proc.stderr))
    check(proc.stdout == b"", "stdout: %r" % proc.stdout)


def test_missing_file_does_not_stop_the_others():
    a = write("first.ndjson", b'{"n":1}\n')
    b = write("third.ndjson", b'{"n":3}\n')
    missing = os.path.join(TMP, "second.ndjson")
    proc = run("convert", a, missing, b)
    check_run(proc, EXIT_INPUT, "missing middle file")
    check(proc.stdout == b'{"n":1}\n{"n":3}\n', "stdout: %r" % proc.stdout)
    check(missing.encode() in proc.stderr, "stderr: %r" % proc.stderr)


def test_directory_as_input_exits_2():
    proc = run("convert", TMP)
    check_run(proc, EXIT_INPUT, "directory input")
    check(text(proc.stderr) == "%s: error: cannot open: Is a directory\n"
          % TMP, "stderr: %r" % text(proc.stderr))


def test_files_are_concatenated_in_order():
    a = write("a.ndjson", b'{"file":"a","n":1}\n{"file":"a","n":2}\n')
    b = write("b.json", b'{"file": "b"}')
    c = write("c.ndjson", b'{"file":"c"}\n')
    proc = run("convert", "-t", "ndjson", a, b, c)
    check_run(proc, EXIT_OK, "three files")
    check(proc.stdout == b'{"file":"a","n":1}\n{"file":"a","n":2}\n'
          b'{"file":"b"}\n{"file":"c"}\n', "stdout: %r" % proc.stdout)


def test_dash_reads_stdin_between_files():
    a = write("before.ndjson", b"1\n")
    b = write("after.ndjson", b"3\n")
    proc = run("convert", a, "-", b, stdin=b"2\n")
    check_run(proc, EXIT_OK, "a - b")
    check(proc.stdout == b"1\n2\n3\n", "stdout: %r" % proc.stdout)


def test_output_option_writes_the_file():
    src = write("records.ndjson", b'{"b":1,"a":2}\n')
    out = os.path.join(TMP, "written.json")
    write("written.json", b"old contents that must go away" * 10)
    proc = run("convert", "-o", out, src)
    check_run(proc, EXIT_OK, "-o FILE")
    check(proc.stdout == b"", "stdout: %r" % proc.stdout)
    with open(out, "rb") as f:
        check(f.read() == b'{\n  "b": 1,\n  "a": 2\n}\n', "wrong file")


def test_output_format_defaults_from_output_extension():
    src = write("pretty.json", b'[{"a": 1}, {"b": [1, 2]}]\n{"c": true}\n')
    out = os.path.join(TMP, "out.ndjson")
    proc = run("convert", "-o", out, src)
    check_run(proc, EXIT_OK, "-o out.ndjson")
    with open(out, "rb") as f:
        data = f.read()
    check(data == b'[{"a":1},{"b":[1,2]}]\n{"c":true}\n',
          "out.ndjson: %r" % data)


def test_output_format_defaults_to_first_input_format():
    a = write("first.jsonl", b'{"x": 1}\n')
    b = write("second.json", b'{"y":\n 2}')
    proc = run("convert", a, b)
    check_run(proc, EXIT_OK, "jsonl then json")
    check(proc.stdout == b'{"x":1}\n{"y":2}\n', "stdout: %r" % proc.stdout)


def test_output_that_is_an_input_is_refused():
    src = write("self.json", b'{"keep": "me"}')
    proc = run("convert", "-o", src, src)
    check_run(proc, EXIT_USAGE, "-o input input")
    with open(src, "rb") as f:
        check(f.read() == b'{"keep": "me"}', "the input was damaged")


def test_unwritable_output_exits_2():
    if not os.path.exists("/dev/full"):
        return
    with open("/dev/full", "wb") as full:
        proc = subprocess.run([EXE, "convert"], input=b"[1,2,3]",
                              stdout=full, stderr=subprocess.PIPE,
                              timeout=60)
    check_run(proc, EXIT_INPUT, "stdout on /dev/full")
    check(text(proc.stderr) == "<stdout>: error: cannot write: No space "
          "left on device\n", "stderr: %r" % text(proc.stderr))
    bad_dir = os.path.join(TMP, "no-such-dir", "out.json")
    proc = run("convert", "-o", bad_dir, stdin=b"1")
    check_run(proc, EXIT_INPUT, "-o in a missing folder")
    check(text(proc.stderr) == "%s: error: cannot open for writing: No such "
          "file or directory\n" % bad_dir, "stderr: %r" % text(proc.stderr))


def test_records_before_an_error_are_written():
    src = write("half.ndjson", b'{"ok":1}\n{"ok":2}\n{"bad":\n{"ok":4}\n')
    proc = run("convert", src)
    check_run(proc, EXIT_INPUT, "bad third line")
    check(proc.stdout == b'{"ok":1}\n{"ok":2}\n', "stdout: %r" % proc.stdout)
    check(text(proc.stderr).startswith(src + ":3:"),
          "stderr: %r" % text(proc.stderr))


def test_messages_follow_the_records_before_them():
    """With stdout and stderr in one log, each message comes right after
    the records read before it, not after 64 KiB of buffered output."""
    bad = write("bad.ndjson", b'{"a":1}\n{"a":2}\n{bad\n{"a":4}\n')
    good = write("good.ndjson", b'{"b":1}\n')
    missing = os.path.join(TMP, "missing.ndjson")
    proc = subprocess.run([EXE, "convert", bad, missing, good],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=60)
    check_run(proc, EXIT_INPUT, "bad, missing, good")
    lines = text(proc.stdout).splitlines()
    check(len(lines) == 5, "output: %r" % lines)
    check(lines[:2] == ['{"a":1}', '{"a":2}'] and
          lines[2].startswith(bad + ":3:2: error: ") and
          lines[3].startswith(missing + ": error: cannot open") and
          lines[4] == '{"b":1}', "order: %r" % lines)


# ---- closed pipe --------------------------------------------------------

def test_closed_stdout_stops_quietly_with_141():
    line = b'{"id":%d,"name":"record number %d","tags":["a","b","c"]}\n'
    big = write("big.ndjson", b"".join(line % (i, i) for i in range(80000)))
    check(os.path.getsize(big) > 5 * 1000 * 1000, "input too small")
    proc = subprocess.Popen([EXE, "convert", "-t", "ndjson", big],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    status = proc.wait(timeout=120)
    check(first == line % (0, 0), "first line: %r" % first)
    check(err == b"", "stderr: %r" % err)
    check(status == EXIT_PIPE, "exit status %d, expected 141" % status)


# ---- terminal -----------------------------------------------------------

def test_terminal_output_shows_each_record_at_once():
    """Typing records into `normalize convert` on a terminal shows each one
    as soon as its line is complete, not when 64 KiB have piled up."""
    import pty
    import select
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen([EXE, "convert", "-f", "ndjson", "-t",
                                 "ndjson"], stdin=subprocess.PIPE,
                                stdout=slave, stderr=subprocess.PIPE)
    finally:
        os.close(slave)
    try:
        proc.stdin.write(b'{"a": 1}\n')
        proc.stdin.flush()
        # Collect what the terminal shows until the line ends (a read may
        # return part of it) or 20 s pass with the input still open.
        shown = b""
        deadline = time.monotonic() + 20
        while not shown.endswith(b"\n") and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [],
                                        max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            shown += os.read(master, 100)
        check(shown == b'{"a":1}\r\n',
              "the record did not appear while input was still open: %r"
              % shown)
    finally:
        proc.stdin.close()
        status = proc.wait(timeout=60)
        os.close(master)
    check(status == EXIT_OK, "exit status %d" % status)


# ---- runner -------------------------------------------------------------

def main(argv):
    global EXE, MAN, TMP
    if len(argv) != 3:
        print("usage: test_cli.py NORMALIZE MAN_PAGE", file=sys.stderr)
        return 2
    EXE = os.path.abspath(argv[1])
    MAN = argv[2]
    TMP = tempfile.mkdtemp(prefix="normalize-cli-")
    tests = [(name, fn) for name, fn in sorted(globals().items())
             if name.startswith("test_") and callable(fn)]
    passed = failed = 0
    try:
        for name, fn in tests:
            try:
                fn()
            except AssertionError as e:
                failed += 1
                print("FAIL %s: %s" % (name, e))
            except Exception as e:  # a broken test is a failing test
                failed += 1
                print("FAIL %s: %s: %s" % (name, type(e).__name__, e))
            else:
                passed += 1
                print("ok   %s" % name)
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
