/* Exit codes of the `normalize` program.
 *
 * These numbers are part of the interface: scripts and CI jobs switch on
 * them, so they never change meaning. One list gives the enum and the
 * "Exit status" section of --help (the man page repeats it; tests/cli
 * checks that they agree).
 *
 * 64 is EX_USAGE from sysexits(3). 141 is what a shell reports for a
 * process killed by SIGPIPE (128 + 13): when the program reading our
 * output goes away we stop quietly with that status, so `set -o pipefail`
 * users see the same thing as with cat or jq.
 */
#ifndef NZ_CLI_EXIT_CODES_H
#define NZ_CLI_EXIT_CODES_H

/* X(NAME, VALUE, DESCRIPTION) */
#define CLI_EXIT_MAP(X)                                                     \
    X(OK, 0, "success")                                                     \
    X(INVALID, 1, "the data failed validation")                             \
    X(INPUT, 2, "an input could not be read or is malformed,\n"             \
                "or the output could not be written")                       \
    X(SCHEMA, 3, "a schema is invalid or cannot be resolved")               \
    X(USAGE, 64, "usage error: unknown command or option,\n"                \
                 "bad option value, options that contradict")               \
    X(PIPE, 141, "standard output was closed before all of it\n"            \
                 "was written (e.g. by `| head`); nothing is printed")

enum cli_exit {
#define CLI_EXIT_ENUM_(name, value, text) CLI_EXIT_##name = (value),
    CLI_EXIT_MAP(CLI_EXIT_ENUM_)
#undef CLI_EXIT_ENUM_
};

#endif /* NZ_CLI_EXIT_CODES_H */
