/* Command-line options, described once.
 *
 * Each command has ONE table of struct cli_option in cli_options.c. The
 * getopt_long() tables and the option list of --help are both generated
 * from it, so the parser and the help text cannot disagree (and
 * tests/cli checks the man page against --help).
 */
#ifndef NZ_CLI_OPTIONS_H
#define NZ_CLI_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cli_io.h" /* CLI_PRINTF */

/* Option ids. An option with a short name uses that character as its id;
 * the others start above every character. */
enum cli_option_id {
    /* normalize (no command) */
    OPT_HELP = 'h',
    OPT_VERSION = 256,

    /* normalize convert */
    OPT_FROM = 'f',
    OPT_TO = 't',
    OPT_OUTPUT = 'o',
    OPT_PRETTY = 300,
    OPT_INDENT,
    OPT_COMPACT,
    OPT_SORT_KEYS,
    OPT_ASCII,
    OPT_CANONICAL,
    OPT_ARRAY,
    OPT_SINGLE,
    OPT_DUPLICATE_KEYS,
    OPT_MAX_DEPTH,
    OPT_MAX_RECORD_SIZE,
    OPT_KEEP_GOING,
    /* normalize convert: YAML, XML and CSV input and output */
    OPT_STRICT,
    OPT_YAML_1_1,
    OPT_NO_MERGE_KEYS,
    OPT_ALIAS_FACTOR,
    OPT_XML_RECORD,
    OPT_XML_ARRAY,
    OPT_XML_STRIP_NAMESPACES,
    OPT_XML_MAX_NAMES,
    OPT_XML_ROOT,
    OPT_XML_RECORD_NAME,
    OPT_DELIMITER,
    OPT_NO_HEADER,
    OPT_ALLOW_RAGGED,
    OPT_DUPLICATE_HEADERS,
    OPT_INFER,
    OPT_UNFLATTEN,
    OPT_FILL,

    /* normalize validate */
    OPT_SCHEMA = 's',
    OPT_DIALECT = 400,
    OPT_ASSERT_FORMATS,
    OPT_REF,
    OPT_REF_DIR,
    OPT_REF_MAP,
    OPT_RESULT_OUTPUT,
    OPT_MAX_ERRORS,
    OPT_REGEX_MATCH_LIMIT,
};

struct cli_option {
    int id;           /* enum cli_option_id; a character = short name    */
    const char *name; /* long name, without "--"                          */
    const char *arg;  /* placeholder shown in --help ("FORMAT"); NULL
                         when the option takes no argument                */
    const char *help; /* one line per '\n'; the first is a short phrase   */
};

/* The tables (and their lengths). */
extern const struct cli_option cli_main_options[];
extern const size_t cli_main_option_count;
extern const struct cli_option cli_convert_options[];
extern const size_t cli_convert_option_count;
extern const struct cli_option cli_validate_options[];
extern const size_t cli_validate_option_count;

/* A usage error found while parsing. Parsing never prints: the command
 * prints the text with cli_usage_error() (which adds the hint), and the
 * fuzzer (fuzz/fuzz_cli_args.c) can check that every refusal says why. */
#define CLI_USAGE_MAX 1024
struct cli_usage {
    char text[CLI_USAGE_MAX]; /* one message, without "normalize: error:" */
};

/* Fill u->text (printf-style, truncated to fit). */
void cli_usage_set(struct cli_usage *u, const char *fmt, ...)
    CLI_PRINTF(2, 3);

/* Upper bound on the options of one command (getopt tables are sized by
 * it; cli_parser_init() refuses a larger table). */
#define CLI_MAX_OPTIONS 64

/* A getopt_long() run over one command's arguments. */
struct cli_parser {
    const struct cli_option *table;
    size_t count;
    int argc;
    char **argv;              /* argv[0] is the program or command name */
    struct option longopts[CLI_MAX_OPTIONS + 1];
    char shortopts[3 * CLI_MAX_OPTIONS + 3];
    bool stop_at_operand;
    const char *value;        /* argument of the option just returned   */
    char **operands;          /* set when cli_parser_next() returns 0    */
    int noperands;
    struct cli_usage error;   /* set when cli_parser_next() returns -1   */
};

/**
 * Prepare to parse argv[1..argc-1] with the given table.
 *
 * @param stop_at_operand  true: stop at the first operand (the command
 *                         name, for the options before it); false: options
 *                         and operands may be mixed, as with GNU tools
 *                         (in linear time; "--" ends the options).
 * @return 0, or -1 when the table is too large (a programming error).
 */
int cli_parser_init(struct cli_parser *p, const struct cli_option *table,
                    size_t count, int argc, char **argv,
                    bool stop_at_operand);

/**
 * The next option: its id (p->value holds its argument, if any), 0 when
 * the options are done (cli_parser_operands() gives the rest), or -1 on a
 * usage error, described in p->error (not printed). Abbreviated long
 * options are refused, so that adding an option never changes the
 * meaning of an existing command line.
 */
int cli_parser_next(struct cli_parser *p);

/* The operands, in order, once cli_parser_next() returned 0 (*count of
 * them; a pointer into argv). Operands between options have been moved
 * to the front of argv: argv is no longer the command line. */
char **cli_parser_operands(const struct cli_parser *p, int *count);

/* The table entry with this id, or NULL. */
const struct cli_option *cli_option_find(const struct cli_option *table,
                                         size_t count, int id);

/* Write the option list for --help: "  -f, --from FORMAT   text". */
void cli_options_print(FILE *out, const struct cli_option *table,
                       size_t count);

/* Write the "Exit status" section of --help (from exit_codes.h). */
void cli_exit_codes_print(FILE *out);

/* Strict number parsing for option values: the whole string must be a
 * number (no sign, no space, no trailing text). Return 0, or -1 when the
 * text is not a number or is above max. */
int cli_parse_uint(const char *text, unsigned long long max,
                   unsigned long long *out);

/* A byte count with an optional binary suffix K, M or G (either case):
 * "65536", "64K", "64M". Returns 0, or -1 for anything else, zero, or a
 * value that does not fit in size_t. */
int cli_parse_size(const char *text, size_t *out);

/* An option's number from min to max: 0, or -1 with err saying
 * "OPTION: 'VALUE' is not a number from MIN to MAX". */
int cli_parse_number(const char *option, const char *value,
                     unsigned long long min, unsigned long long max,
                     unsigned long long *out, struct cli_usage *err);

/* The reading limits that convert and validate share: --max-depth N
 * (1..NZ_READ_JSON_DEPTH_LIMIT) and --max-record-size SIZE. 0, or -1 with
 * err filled. */
int cli_parse_max_depth(const char *value, size_t *out,
                        struct cli_usage *err);
int cli_parse_max_record_size(const char *value, size_t *out,
                              struct cli_usage *err);

#endif /* NZ_CLI_OPTIONS_H */
