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
    r"^\s+(?:-(?P<short>\w), )?--(?P<long>[a-z][a-z0-9.-]*[a-z0-9])"
    r"(?: (?P<arg>[A-Z]+))?")


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


VALIDATE_SUBSECTION = r'^\.SS "Options of normalize validate"\n.*?(?=^\.S[SH] |\Z)'


def man_option_entries():
    """The options the man page documents, from the line after each .TP
    in OPTIONS: {long: (short, ARG)}."""
    section = man_section(man_text(), "OPTIONS")
    # validate's options have their own subsection and their own test
    # (test_validate_help_and_man_page_agree)
    section = re.sub(VALIDATE_SUBSECTION, "", section, flags=re.S | re.M)
    entries = {}
    for label in re.findall(r"^\.TP\n(.*)$", section, re.M):
        label = label.replace('"', " ")
        m = re.search(r"--([a-z][a-z0-9.-]*[a-z0-9])", label)
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
    everywhere = set(re.findall(r"--([a-z][a-z0-9.-]*[a-z0-9])",
                                man_text()))
    in_help.update(help_options("validate")[0])
    check(everywhere <= set(in_help),
          "the man page mentions unknown options: %s"
          % sorted(everywhere - set(in_help)))


def test_validate_help_and_man_page_agree():
    """Same long options, same short names, same options taking a value."""
    in_help, _ = help_options("validate")
    m = re.search(VALIDATE_SUBSECTION, man_section(man_text(), "OPTIONS"),
                  re.S | re.M)
    check(m, "the man page has no 'Options of normalize validate'")
    in_man = {}
    for label in re.findall(r"^\.TP\n(.*)$", m.group(0), re.M):
        label = label.replace('"', " ")
        name = re.search(r"--([a-z][a-z0-9.-]*[a-z0-9])", label)
        if name:
            short = re.search(r"(?:^|\s)-([A-Za-z])\b", label)
            in_man[name.group(1)] = (short.group(1) if short else None,
                                     bool(re.search(r"[A-Z]\s*$", label)))
    in_help = {k: (v[0], v[1] is not None) for k, v in in_help.items()}
    check(in_help == in_man,
          "validate --help %s, man page %s" % (sorted(in_help.items()),
                                              sorted(in_man.items())))


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


SAMPLE_VALUES = {"FORMAT": "json", "N": "2", "SIZE": "1M", "MODE": "last",
                 "PATH": "/a", "NAME": "doc", "C": ";"}
# Options of one format need an input (or output) in that format, and
# some need their own sample value.
OPTION_CONTEXT = {
    "yaml-1.1": (["-f", "yaml"], b"a: 1\n"),
    "no-merge-keys": (["-f", "yaml"], b"a: 1\n"),
    "alias-factor": (["-f", "yaml"], b"a: 1\n"),
    "xml-record": (["-f", "xml"], b"<a>1</a>"),
    "xml-array": (["-f", "xml"], b"<a>1</a>"),
    "xml-strip-namespaces": (["-f", "xml"], b"<a>1</a>"),
    "xml-max-names": (["-f", "xml"], b"<a>1</a>"),
    "xml-root": (["-t", "xml"], b'{"a": 1}'),
    "xml-record-name": (["-t", "xml"], b'{"a": 1}'),
    "delimiter": (["-f", "csv"], b"a;b\n1;2\n"),
    "no-header": (["-f", "csv"], b"1,2\n"),
    "allow-ragged": (["-f", "csv"], b"a\n1\n"),
    "duplicate-headers": (["-f", "csv"], b"a\n1\n"),
    "infer": (["-f", "csv"], b"a\n1\n"),
    "unflatten": (["-f", "csv"], b"a.b\n1\n"),
    "fill": (["-t", "csv"], b'{"a": 1}'),
}
OPTION_VALUE = {"duplicate-headers": "error", "xml-max-names": "100"}


def sample_value(arg):
    if arg == "FILE":
        return os.path.join(TMP, "accepted.json")
    check(arg in SAMPLE_VALUES, "no sample value for %s" % arg)
    return SAMPLE_VALUES[arg]


def test_parser_accepts_every_option_in_help():
    options, _ = help_options("convert")
    for name, (short, arg) in sorted(options.items()):
        spellings = ["--" + name] + (["-" + short] if short else [])
        context, stdin = OPTION_CONTEXT.get(name, ([], b'{"a": 1}'))
        for spelling in spellings:
            value = OPTION_VALUE.get(name) or (sample_value(arg) if arg
                                               else None)
            args = context + [spelling] + ([value] if value else [])
            proc = run("convert", *args, stdin=stdin)
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
    (["convert", "-f", "toml"], "unknown input format 'toml'"),
    (["convert", "-t", "ini"], "unknown output format 'ini'"),
    (["convert", "-f", "json", "--infer"], "--infer applies to csv"),
    (["convert", "-f", "csv", "--yaml-1.1"], "--yaml-1.1 applies to yaml"),
    (["convert", "-f", "csv", "--xml-record", "/a"], "--xml-record"),
    (["convert", "-t", "json", "--fill"], "--fill needs csv"),
    (["convert", "-t", "json", "--xml-root", "r"], "--xml-root needs xml"),
    (["convert", "-f", "json", "--delimiter", ";"], "--delimiter"),
    (["convert", "-f", "csv", "--delimiter", "ab"], "--delimiter: 'ab'"),
    (["convert", "-f", "csv", "--delimiter", '"'], "--delimiter"),
    (["convert", "-f", "csv", "--duplicate-headers", "x"], "'x'"),
    (["convert", "-f", "yaml", "--alias-factor", "0"], "--alias-factor"),
    (["convert", "-f", "xml", "--xml-record", "a/b"], "--xml-record: 'a/b'"),
    (["convert", "-t", "csv", "--pretty"], "--pretty"),
    (["convert", "-t", "csv", "--canonical"], "--canonical"),
    (["convert", "--duplicate-keys", "first"], "'first'"),
    (["convert", "--pretty=yes"], "takes no value"),
    (["convert", "-f", "ndjson", "--single"], "--single"),
    # values only the library knows to refuse are asked of it before any
    # file is opened (found by fuzz/fuzz_cli_args.c's seeds)
    (["convert", "-f", "xml", "--xml-record", "//a"],
     "invalid XML record path '//a'"),
    (["convert", "-f", "xml", "--xml-record", "/"],
     "invalid XML record path '/'"),
    (["convert", "-f", "xml", "--xml-array", "/a/"],
     "invalid XML array path '/a/'"),
    (["convert", "-t", "xml", "--xml-root", "1bad"], "'1bad'"),
    (["convert", "-t", "xml", "--xml-record-name", ""], "''"),
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


def test_usage_error_leaves_the_output_alone():
    """A bad option value is refused before -o FILE is opened: the file
    keeps its content and no input is read (it used to be emptied, or
    half written, when the library refused the value)."""
    src = write("refused-input.xml", b"<a><b>1</b></a>")
    for args in (["-t", "xml", "--xml-root", "1bad"],
                 ["-f", "xml", "--xml-record", "//b"],
                 ["-f", "xml", "-t", "xml", "--xml-array", "/a/"]):
        out = write("refused-output.xml", b"keep me")
        proc = run("convert", *args, "-o", out, src)
        check_run(proc, EXIT_USAGE, " ".join(args))
        with open(out, "rb") as f:
            kept = f.read()
        check(kept == b"keep me", "%s: the output became %r" % (args, kept))


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


def test_options_between_files_keep_the_order():
    a = write("order-a.json", b'{"file": "a"}')
    b = write("order-b.json", b'{"file": "b"}')
    proc = run("convert", b, "-t", "ndjson", a, "--sort-keys", "--", b)
    check_run(proc, EXIT_OK, "files between options")
    check(proc.stdout == b'{"file":"b"}\n{"file":"a"}\n{"file":"b"}\n',
          "stdout: %r" % proc.stdout)
    # glibc's getopt_long() moved each file behind the options after it,
    # quadratic in their number: 60 000 pairs took about 10 s. The parser
    # steps over files itself now (found while fuzzing the parser). Time is
    # not asserted (no timed tests: a loaded machine would make it flaky);
    # the run must still reach and report the last option.
    many = ["x", "--ascii"] * 60000 + ["--indent", "x"]
    proc = run("convert", *many)
    check_run(proc, EXIT_USAGE, "60 000 files between options")
    check(b"--indent: 'x'" in proc.stderr, "stderr: %r" % proc.stderr[:200])


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


# ---- formats: sniffing standard input, options, warnings ---------------

SNIFFED = [
    # (standard input, what `-t ndjson` makes of it)
    (b'{"a": 1}', b'{"a":1}\n'),
    (b'[1, 2]\n', b'[1,2]\n'),
    (b'  42\n', b'42\n'),
    (b'"text"\n', b'"text"\n'),
    (b'\x1e{"a":1}\n\x1e{"a":2}\n', b'{"a":1}\n{"a":2}\n'),
    (b"name,age\nAnn,31\n", b'{"name":"Ann","age":"31"}\n'),
    (b'"name","age"\n"Ann",31\n', b'{"name":"Ann","age":"31"}\n'),
    (b"\xef\xbb\xbfid,n\n1,2\n", b'{"id":"1","n":"2"}\n'),
    (b"name\tage\nAnn\t31\n", b'{"name":"Ann","age":"31"}\n'),
    (b"<a><b>1</b></a>", b'{"a":{"b":"1"}}\n'),
    (b"---\na: 1\n---\na: 2\n", b'{"a":1}\n{"a":2}\n'),
    (b"name: Smith, John\n", b'{"name":"Smith, John"}\n'),
    (b"- 1\n- 2\n", b"[1,2]\n"),
    (b"# comment\nk: v\n", b'{"k":"v"}\n'),
    (b"", b""),
]


def test_standard_input_format_is_sniffed():
    for data, expected in SNIFFED:
        proc = run("convert", "-t", "ndjson", stdin=data)
        check_run(proc, EXIT_OK, "sniffing %r" % data)
        check(proc.stdout == expected, "sniffing %r gave %r, expected %r"
              % (data, proc.stdout, expected))


def test_sniffed_input_is_read_whole_beyond_the_read_ahead():
    """The bytes read to guess the format are given back to the reader:
    nothing is lost or repeated, also past the read-ahead size."""
    rows = b"".join(b"%d,%s\n" % (i, b"x" * (i % 50)) for i in range(20000))
    proc = run("convert", "-t", "ndjson", stdin=b"n,s\n" + rows)
    check_run(proc, EXIT_OK, "large csv on stdin")
    lines = proc.stdout.splitlines()
    check(len(lines) == 20000, "%d records" % len(lines))
    check(lines[0] == b'{"n":"0","s":""}' and
          lines[-1] == b'{"n":"19999","s":"%s"}' % (b"x" * 49),
          "first %r last %r" % (lines[0], lines[-1]))


def test_output_format_follows_sniffed_input():
    proc = run("convert", stdin=b"a,b\n1,2\n")
    check_run(proc, EXIT_OK, "csv in, default out")
    check(proc.stdout == b"a,b\n1,2\n", "stdout: %r" % proc.stdout)


def test_terminal_input_is_not_read_ahead():
    """Sniffing must not wait for a line typed on a terminal: a usage
    error comes at once, and the input is json unless -f says more."""
    import pty
    master, slave = pty.openpty()
    try:
        proc = subprocess.run([EXE, "convert", "--compact", "--pretty"],
                              stdin=slave, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=20)
    finally:
        os.close(slave)
        os.close(master)
    check_run(proc, EXIT_USAGE, "usage error with a terminal on stdin")


def test_option_for_another_format_names_the_sniffed_one():
    proc = run("convert", "--infer", stdin=b'{"a": 1}')
    check_run(proc, EXIT_USAGE, "--infer on json")
    check(b"'<stdin>' is read as json" in proc.stderr,
          "stderr: %r" % proc.stderr)


def test_csv_round_trip_through_flattening():
    records = (b'{"id":1,"address":{"city":"Oslo","zip":"0150"},'
               b'"tags":["a","b"],"ok":true,"score":2.5,"note":"x, \\"y\\""}\n'
               b'{"id":2,"address":{"city":"Rome","zip":"00100"},'
               b'"tags":["c","d"],"ok":false,"score":-1,"note":"two\\nlines"}\n')
    csv = run("convert", "-f", "ndjson", "-t", "csv", stdin=records)
    check_run(csv, EXIT_OK, "ndjson -> csv")
    check(csv.stdout.startswith(b"id,address.city,address.zip,tags.0,tags.1,"
                                b"ok,score,note\n"), "csv: %r" % csv.stdout)
    back = run("convert", "-f", "csv", "-t", "ndjson", "--infer",
               "--unflatten", stdin=csv.stdout)
    check_run(back, EXIT_OK, "csv -> ndjson")
    check(back.stdout == records, "round trip: %r" % back.stdout)


def test_csv_ragged_row_names_its_line_and_keeps_going():
    proc = run("convert", "-f", "csv", "-t", "ndjson", "--keep-going",
               stdin=b'a,b\n1,2\n"x\ny"\n3,4\n')
    check_run(proc, EXIT_INPUT, "ragged csv")
    check(proc.stdout == b'{"a":"1","b":"2"}\n{"a":"3","b":"4"}\n',
          "stdout: %r" % proc.stdout)
    check(text(proc.stderr) == "<stdin>:3:1: error: ragged row: 1 field "
          "where the header (line 1) has 2\n", "stderr: %r" % proc.stderr)


def test_csv_no_header_round_trip():
    proc = run("convert", "-f", "csv", "-t", "csv", "--no-header",
               stdin=b"1,2\n3,4\n")
    check_run(proc, EXIT_OK, "--no-header both ways")
    check(proc.stdout == b"1,2\n3,4\n", "stdout: %r" % proc.stdout)


def test_lossy_step_is_a_warning_or_with_strict_an_error():
    mixed = b"<a>text<b>1</b>more</a>"
    proc = run("convert", "-t", "ndjson", stdin=mixed)
    check_run(proc, EXIT_OK, "mixed content")
    check(proc.stdout != b"", "no record written")
    lines = text(proc.stderr).splitlines()
    check(len(lines) == 1 and lines[0].startswith("<stdin>:1") and
          ": warning: " in lines[0], "stderr: %r" % lines)
    proc = run("convert", "-t", "ndjson", "--strict", stdin=mixed)
    check_run(proc, EXIT_INPUT, "mixed content --strict")
    check(": error: " in text(proc.stderr), "stderr: %r" % proc.stderr)


def test_yaml_and_xml_options_reach_the_readers():
    proc = run("convert", "-f", "yaml", "-t", "ndjson", stdin=b"a: no\n")
    check_run(proc, EXIT_OK, "yaml 1.2")
    check(proc.stdout == b'{"a":"no"}\n', "1.2: %r" % proc.stdout)
    proc = run("convert", "-f", "yaml", "-t", "ndjson", "--yaml-1.1",
               stdin=b"a: no\n")
    check_run(proc, EXIT_OK, "yaml 1.1")
    check(proc.stdout == b'{"a":false}\n', "1.1: %r" % proc.stdout)
    doc = b"<orders><order><id>1</id></order><order><id>2</id></order></orders>"
    proc = run("convert", "-t", "ndjson", "--xml-record", "/orders/order",
               stdin=doc)
    check_run(proc, EXIT_OK, "--xml-record")
    check(proc.stdout == b'{"id":"1"}\n{"id":"2"}\n', "xml: %r"
          % proc.stdout)
    many = b"<log>" + b"".join(b"<e><k%d/></e>" % i for i in range(150)) + \
        b"</log>"
    proc = run("convert", "-t", "ndjson", "--xml-record", "/log/e",
               "--xml-max-names", "100", stdin=many)
    check(proc.returncode == EXIT_INPUT and b"(xml-max-names)" in proc.stderr,
          "--xml-max-names 100: %d %r" % (proc.returncode, proc.stderr))
    proc = run("convert", "-t", "ndjson", "--xml-record", "/log/e",
               "--xml-max-names", "200", stdin=many)
    check_run(proc, EXIT_OK, "--xml-max-names 200")


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
