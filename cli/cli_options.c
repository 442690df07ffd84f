#include "cli_options.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <normalize/normalize.h>

#include "exit_codes.h"

/* The help text below states the library's defaults in words; stop the
 * build rather than let it lie when they change. */
_Static_assert(NZ_READ_DEFAULT_MAX_DEPTH == 1000,
               "update the --max-depth help text and normalize.1");
_Static_assert(NZ_READ_JSON_DEPTH_LIMIT == 2048,
               "update the --max-depth help text and normalize.1");
_Static_assert(NZ_READ_DEFAULT_MAX_RECORD_BYTES == (size_t)32 << 20,
               "update the --max-record-size help text and normalize.1");
_Static_assert(NZ_SCHEMA_DEFAULT_REGEX_MATCH_LIMIT == 10000000u,
               "update the --regex-match-limit help text and normalize.1");
_Static_assert(NZ_XML_DEFAULT_MAX_NAMES == 100000,
               "update the --xml-max-names help text and normalize.1");

/* ---- the tables -------------------------------------------------------- */

const struct cli_option cli_main_options[] = {
    {OPT_HELP, "help", NULL, "show this help and exit"},
    {OPT_VERSION, "version", NULL, "print the version and exit"},
};
const size_t cli_main_option_count =
    sizeof cli_main_options / sizeof cli_main_options[0];

const struct cli_option cli_convert_options[] = {
    {OPT_FROM, "from", "FORMAT",
     "input format: json, ndjson (jsonl), json-seq,\n"
     "yaml (or yml), xml, csv, tsv; default: from each\n"
     "file's extension, else json; standard input:\n"
     "guessed from its first bytes"},
    {OPT_TO, "to", "FORMAT",
     "output format; default: from the extension of\n"
     "the -o file, else the format of the first input"},
    {OPT_OUTPUT, "output", "FILE",
     "write to FILE instead of standard output"},
    {OPT_PRETTY, "pretty", NULL,
     "indent by 2 spaces (the default for -t json)"},
    {OPT_INDENT, "indent", "N",
     "indent by N spaces, 0..16 (0 = --compact)"},
    {OPT_COMPACT, "compact", NULL,
     "no indentation: one line per value (the\n"
     "default for -t json-seq; ndjson always is)"},
    {OPT_SORT_KEYS, "sort-keys", NULL,
     "write object members sorted by key"},
    {OPT_ASCII, "ascii", NULL,
     "escape every non-ASCII character as \\uXXXX"},
    {OPT_CANONICAL, "canonical", NULL,
     "RFC 8785 canonical JSON: no whitespace, keys\n"
     "sorted, numbers and strings in one spelling"},
    {OPT_ARRAY, "array", NULL,
     "-t json: write all records as one JSON array"},
    {OPT_SINGLE, "single", NULL,
     "JSON input must hold exactly one value"},
    {OPT_DUPLICATE_KEYS, "duplicate-keys", "MODE",
     "a key twice in one object: 'error' (default)\n"
     "or 'last' (the last value wins)"},
    {OPT_MAX_DEPTH, "max-depth", "N",
     "deepest nesting of arrays and objects,\n"
     "1..2048 (default 1000)"},
    {OPT_MAX_RECORD_SIZE, "max-record-size", "SIZE",
     "largest record in bytes; K, M, G suffixes\n"
     "(default 32M)"},
    {OPT_KEEP_GOING, "keep-going", NULL,
     "ndjson, json-seq, csv, tsv: after a malformed\n"
     "record, go on with the next one (the exit\n"
     "status stays 2)"},
    {OPT_STRICT, "strict", NULL,
     "a step that would lose information (XML mixed\n"
     "content, ...) is an error, not a warning"},
    {OPT_YAML_1_1, "yaml-1.1", NULL,
     "yaml input: type plain scalars as YAML 1.1 does\n"
     "(yes/no/on/off, 0777 octal, 1:20 sexagesimal)"},
    {OPT_NO_MERGE_KEYS, "no-merge-keys", NULL,
     "yaml input: keep '<<' as an ordinary key"},
    {OPT_ALIAS_FACTOR, "alias-factor", "N",
     "yaml input: aliases may expand a document to at\n"
     "most N times the nodes parsed, 1..1000000\n"
     "(default 10)"},
    {OPT_XML_RECORD, "xml-record", "PATH",
     "xml input: each element at PATH (/orders/order)\n"
     "is a record; default: the whole document"},
    {OPT_XML_ARRAY, "xml-array", "PATH",
     "xml input: the element at PATH is always an\n"
     "array, even when it occurs once (repeatable)"},
    {OPT_XML_STRIP_NAMESPACES, "xml-strip-namespaces", NULL,
     "xml input: drop namespace prefixes from names"},
    {OPT_XML_MAX_NAMES, "xml-max-names", "N",
     "xml input: distinct element and attribute\n"
     "names one stream may use, 100..100000000\n"
     "(default 100000)"},
    {OPT_XML_ROOT, "xml-root", "NAME",
     "xml output: name of the document element\n"
     "(default root)"},
    {OPT_XML_RECORD_NAME, "xml-record-name", "NAME",
     "xml output: element of each record (default\n"
     "record)"},
    {OPT_DELIMITER, "delimiter", "C",
     "csv, tsv: field separator, one ASCII character\n"
     "or 'tab' (default ',' for csv, tab for tsv)"},
    {OPT_NO_HEADER, "no-header", NULL,
     "csv, tsv: no header row; input rows are arrays"},
    {OPT_ALLOW_RAGGED, "allow-ragged", NULL,
     "csv, tsv input: rows with fewer fields get null,\n"
     "extra fields are kept (keys \"4\", \"5\", ...)"},
    {OPT_DUPLICATE_HEADERS, "duplicate-headers", "MODE",
     "csv, tsv input: a header name twice: 'rename'\n"
     "(default: x, x_2, ...) or 'error'"},
    {OPT_INFER, "infer", NULL,
     "csv, tsv input: numbers, true/false and empty\n"
     "(null) are typed; 0123 and quoted fields stay\n"
     "strings"},
    {OPT_UNFLATTEN, "unflatten", NULL,
     "csv, tsv input: dotted headers (a.b, tags.0)\n"
     "nest into objects and arrays"},
    {OPT_FILL, "fill", NULL,
     "csv, tsv output: a record without a header key\n"
     "gets an empty field, keys not in the header\n"
     "are dropped (default: an error)"},
    {OPT_HELP, "help", NULL, "show this help and exit"},
};
const size_t cli_convert_option_count =
    sizeof cli_convert_options / sizeof cli_convert_options[0];

const struct cli_option cli_validate_options[] = {
    {OPT_SCHEMA, "schema", "FILE",
     "the JSON Schema to validate against (json or\n"
     "yaml, by extension); required"},
    {OPT_DIALECT, "dialect", "DRAFT",
     "draft when the schema has no $schema: 4, 6, 7,\n"
     "2019-09 or 2020-12 (default 2020-12)"},
    {OPT_ASSERT_FORMATS, "assert-formats", NULL,
     "'format' is an assertion in every draft (by\n"
     "default only in drafts 4 to 7)"},
    {OPT_REF, "ref", "FILE",
     "make a schema file available to $ref, under its\n"
     "$id and its file:// URI (repeatable)"},
    {OPT_REF_DIR, "ref-dir", "DIR",
     "--ref for every *.json, *.yaml, *.yml file in\n"
     "DIR (repeatable)"},
    {OPT_REF_MAP, "ref-map", "PREFIX=DIR",
     "serve URIs starting with PREFIX from files under\n"
     "DIR (repeatable); nothing is ever downloaded"},
    {OPT_FROM, "from", "FORMAT",
     "input format (see 'normalize convert'); default:\n"
     "each file's extension, else json; standard\n"
     "input: ndjson"},
    {OPT_RESULT_OUTPUT, "output", "FORMAT",
     "'flag': print {\"valid\":true} or {\"valid\":false}\n"
     "per record on standard output"},
    {OPT_MAX_ERRORS, "max-errors", "N",
     "report at most N errors per record on stderr\n"
     "(default 20; 0 = all)"},
    {OPT_MAX_DEPTH, "max-depth", "N",
     "input records: deepest nesting of arrays and\n"
     "objects, 1..2048 (default 1000)"},
    {OPT_MAX_RECORD_SIZE, "max-record-size", "SIZE",
     "input records: largest record in bytes; K, M,\n"
     "G suffixes (default 32M)"},
    {OPT_REGEX_MATCH_LIMIT, "regex-match-limit", "N",
     "backtracking steps one 'pattern' match may take,\n"
     "1000..4294967295 (default 10000000); a record\n"
     "past it could not be validated (exit 1)"},
    {OPT_HELP, "help", NULL, "show this help and exit"},
};
const size_t cli_validate_option_count =
    sizeof cli_validate_options / sizeof cli_validate_options[0];

/* ---- parsing ----------------------------------------------------------- */

void cli_usage_set(struct cli_usage *u, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(u->text, sizeof u->text, fmt, ap);
    va_end(ap);
}

static bool has_short_name(int id)
{
    return id > 0 && id < 256;
}

const struct cli_option *cli_option_find(const struct cli_option *table,
                                         size_t count, int id)
{
    for (size_t i = 0; i < count; i++)
        if (table[i].id == id)
            return &table[i];
    return NULL;
}

int cli_parser_init(struct cli_parser *p, const struct cli_option *table,
                    size_t count, int argc, char **argv,
                    bool stop_at_operand)
{
    if (count > CLI_MAX_OPTIONS)
        return -1;
    memset(p, 0, sizeof *p);
    p->table = table;
    p->count = count;
    p->argc = argc;
    p->argv = argv;

    p->stop_at_operand = stop_at_operand;

    /* '+': getopt never reorders argv; operands between options are
     * collected by cli_parser_next() (see there why). */
    char *s = p->shortopts;
    *s++ = '+';
    *s++ = ':'; /* report a missing argument as ':' rather than '?' */
    for (size_t i = 0; i < count; i++) {
        p->longopts[i].name = table[i].name;
        p->longopts[i].has_arg = table[i].arg ? required_argument
                                              : no_argument;
        p->longopts[i].flag = NULL;
        p->longopts[i].val = table[i].id;
        if (has_short_name(table[i].id)) {
            *s++ = (char)table[i].id;
            if (table[i].arg)
                *s++ = ':';
        }
    }
    *s = '\0';

    /* optind = 0 makes glibc (and musl) start over completely (the
     * command's options are parsed after the program's own, and a parse
     * may have stopped inside "-xyz"). Start over here, on an empty list:
     * cli_parser_next() may step over operands before getopt_long() sees
     * the real argv, and an optind other than 0 would then resume the
     * previous parse's state. */
    static char empty_name[] = "";
    static char *empty_argv[] = {empty_name, NULL};
    optind = 0;
    opterr = 0;
    getopt_long(1, empty_argv, p->shortopts, p->longopts, NULL);
    optind = 1;
    return 0;
}

/* The name part of "--name=value" (without the dashes), in buf. */
static const char *long_name_of(const char *arg, char *buf, size_t size)
{
    const char *name = arg + 2;
    size_t len = strcspn(name, "=");
    if (len >= size)
        len = size - 1;
    memcpy(buf, name, len);
    buf[len] = '\0';
    return buf;
}

/* Report an unknown long option, suggesting the options it abbreviates. */
static void report_unknown_long(struct cli_parser *p, const char *arg)
{
    char name[128];
    long_name_of(arg, name, sizeof name);
    size_t len = strlen(name);
    char hint[512] = "";
    size_t used = 0;
    int matches = 0;
    for (size_t i = 0; i < p->count && len > 0; i++) {
        if (strncmp(p->table[i].name, name, len) != 0)
            continue;
        int n = snprintf(hint + used, sizeof hint - used, "%s'--%s'",
                         matches ? " or " : " (did you mean ",
                         p->table[i].name);
        if (n < 0 || (size_t)n >= sizeof hint - used)
            break;
        used += (size_t)n;
        matches++;
    }
    if (matches)
        snprintf(hint + used, sizeof hint - used, "?)");
    cli_usage_set(&p->error, "unknown option '--%s'%s", name, hint);
}

/* The word on the command line that getopt_long() just took as the long
 * option at longindex: the last argument it consumed, or the one before
 * when the option's value was a separate argument. */
static const char *long_option_word(const struct cli_parser *p,
                                    int longindex)
{
    const char *word = p->argv[optind - 1];
    if (p->longopts[longindex].has_arg && optarg == word && optind >= 2)
        word = p->argv[optind - 2];
    return word;
}

/* glibc accepts any unambiguous prefix of a long option. We do not: a
 * script that says --pre would change meaning (or break) the day another
 * option starting with "pre" is added. */
static bool is_abbreviation(const char *word, const char *name)
{
    size_t len = strlen(name);
    return !(strncmp(word, "--", 2) == 0 &&
             strncmp(word + 2, name, len) == 0 &&
             (word[2 + len] == '\0' || word[2 + len] == '='));
}

/* Report what getopt_long() found wrong (it returned c, ':' or '?'). */
static void report_getopt_error(struct cli_parser *p, int c)
{
    /* getopt has stepped past the offending word, except for an unknown
     * short option inside a group ("-hx"), which optopt names. */
    const char *word =
        optind >= 1 && optind <= p->argc ? p->argv[optind - 1] : "";
    bool word_is_long = strncmp(word, "--", 2) == 0;
    const struct cli_option *known =
        optopt ? cli_option_find(p->table, p->count, optopt) : NULL;

    if (c == ':' && known && known->arg) {
        if (word_is_long)
            cli_usage_set(&p->error,
                          "option '--%s' needs a value: --%s %s",
                          known->name, known->name, known->arg);
        else
            cli_usage_set(&p->error,
                          "option '-%c' needs a value: -%c %s",
                          (char)optopt, (char)optopt, known->arg);
    } else if (optopt == 0 && word_is_long) {
        report_unknown_long(p, word);
    } else if (known && word_is_long) { /* "--pretty=yes" */
        cli_usage_set(&p->error, "option '--%s' takes no value",
                      known->name);
    } else if (optopt > 0 && optopt < 256) {
        cli_usage_set(&p->error, "unknown option '-%c'",
                      (char)optopt);
    } else {
        cli_usage_set(&p->error, "unknown option '%s'", word);
    }
}

/* Options are done: the operands are argv[1..noperands] (collected) and
 * argv[from..argc-1] (not looked at yet). */
static int finish(struct cli_parser *p, int from)
{
    if (p->stop_at_operand) { /* nothing collected: the rest, in place */
        p->operands = p->argv + from;
        p->noperands = p->argc - from;
        return 0;
    }
    for (int i = from; i < p->argc; i++)
        p->argv[++p->noperands] = p->argv[i];
    p->operands = p->argv + 1;
    return 0;
}

/* An operand: "x", or "-" (standard input), not "--". */
static bool is_operand(const char *word)
{
    return word[0] != '-' || word[1] == '\0';
}

int cli_parser_next(struct cli_parser *p)
{
    p->value = NULL;
    /* Options and operands may be mixed ("convert a.json -t yaml b.json").
     * glibc's getopt_long() would move each operand behind the options
     * that follow it, which is quadratic in their number (seconds for
     * 40 000 pairs). Step over operands here instead, in one pass: they
     * are moved to the front of argv, in order, after the command name
     * (every slot written is one already read), and getopt_long() only
     * ever sees options. Inside "-xyz" optind stays on that word, which is
     * no operand. */
    while (optind < p->argc && !p->stop_at_operand) {
        char *word = p->argv[optind];
        if (strcmp(word, "--") == 0)
            return finish(p, optind + 1);
        if (!is_operand(word))
            break;
        p->argv[++p->noperands] = word;
        optind++;
    }
    int longindex = -1;
    int c = getopt_long(p->argc, p->argv, p->shortopts, p->longopts,
                        &longindex);
    if (c == -1) /* the end, "--" or (stop_at_operand) an operand */
        return finish(p, optind);
    if (c == ':' || c == '?') {
        report_getopt_error(p, c);
        return -1;
    }
    if (longindex >= 0) {
        const char *word = long_option_word(p, longindex);
        if (is_abbreviation(word, p->longopts[longindex].name)) {
            report_unknown_long(p, word);
            return -1;
        }
    }
    p->value = optarg;
    return c;
}

char **cli_parser_operands(const struct cli_parser *p, int *count)
{
    *count = p->noperands;
    return p->operands;
}

/* ---- help text --------------------------------------------------------- */

/* "  -f, --from FORMAT" or "      --pretty" */
static int option_label(const struct cli_option *o, char *buf, size_t size)
{
    char shortpart[8] = "    ";
    if (has_short_name(o->id))
        snprintf(shortpart, sizeof shortpart, "-%c, ", (char)o->id);
    return snprintf(buf, size, "  %s--%s%s%s", shortpart, o->name,
                    o->arg ? " " : "", o->arg ? o->arg : "");
}

/* Print text, starting each of its '\n'-separated lines at column indent
 * (the first line continues the current one). */
static void print_indented(FILE *out, const char *text, int indent)
{
    for (;;) {
        size_t len = strcspn(text, "\n");
        fprintf(out, "%.*s\n", (int)len, text);
        if (text[len] == '\0')
            break;
        text += len + 1;
        fprintf(out, "%*s", indent, "");
    }
}

void cli_options_print(FILE *out, const struct cli_option *table,
                       size_t count)
{
    char label[160];
    int width = 0;
    for (size_t i = 0; i < count; i++) {
        int n = option_label(&table[i], label, sizeof label);
        if (n > width)
            width = n;
    }
    width += 2;
    for (size_t i = 0; i < count; i++) {
        option_label(&table[i], label, sizeof label);
        fprintf(out, "%-*s", width, label);
        print_indented(out, table[i].help, width);
    }
}

void cli_exit_codes_print(FILE *out)
{
    fputs("Exit status:\n", out);
#define CLI_EXIT_HELP_(name, value, text) \
    fprintf(out, "  %-5d", value);        \
    print_indented(out, text, 7);
    CLI_EXIT_MAP(CLI_EXIT_HELP_)
#undef CLI_EXIT_HELP_
}

/* ---- option values ----------------------------------------------------- */

/* strtoull() accepts leading space, a sign and "0x"-less junk after the
 * digits; option values must be plain decimal digits and nothing else. */
static int parse_digits(const char *text, unsigned long long *out,
                        const char **end)
{
    if (!text || text[0] < '0' || text[0] > '9')
        return -1;
    char *stop;
    errno = 0;
    unsigned long long v = strtoull(text, &stop, 10);
    if (errno == ERANGE)
        return -1;
    *out = v;
    *end = stop;
    return 0;
}

int cli_parse_uint(const char *text, unsigned long long max,
                   unsigned long long *out)
{
    unsigned long long v;
    const char *end;
    if (parse_digits(text, &v, &end) != 0 || *end != '\0' || v > max)
        return -1;
    *out = v;
    return 0;
}

int cli_parse_size(const char *text, size_t *out)
{
    unsigned long long v;
    const char *end;
    if (parse_digits(text, &v, &end) != 0)
        return -1;
    unsigned shift = 0;
    switch (*end) {
    case '\0':
        break;
    case 'k':
    case 'K':
        shift = 10;
        end++;
        break;
    case 'm':
    case 'M':
        shift = 20;
        end++;
        break;
    case 'g':
    case 'G':
        shift = 30;
        end++;
        break;
    default:
        return -1;
    }
    if (*end != '\0' || v == 0 || v > (unsigned long long)(SIZE_MAX >> shift))
        return -1;
    *out = (size_t)v << shift;
    return 0;
}

int cli_parse_number(const char *option, const char *value,
                     unsigned long long min, unsigned long long max,
                     unsigned long long *out, struct cli_usage *err)
{
    if (cli_parse_uint(value, max, out) != 0 || *out < min) {
        cli_usage_set(err, "%s: '%s' is not a number from %llu to %llu",
                      option, value, min, max);
        return -1;
    }
    return 0;
}

int cli_parse_max_depth(const char *value, size_t *out, struct cli_usage *err)
{
    unsigned long long n;
    if (cli_parse_number("--max-depth", value, 1, NZ_READ_JSON_DEPTH_LIMIT,
                         &n, err) != 0)
        return -1;
    *out = (size_t)n;
    return 0;
}

int cli_parse_max_record_size(const char *value, size_t *out,
                              struct cli_usage *err)
{
    if (cli_parse_size(value, out) != 0) {
        cli_usage_set(err, "--max-record-size: '%s' is not a size (a number "
                      "of bytes, at least 1, optionally with K, M or G: 64M)",
                      value);
        return -1;
    }
    return 0;
}
