/* Fuzz target for the command-line parsing of `normalize convert` and
 * `normalize validate` (cli/cli_options.c, cli/convert_args.c,
 * cli/validate_args.c): getopt_long() and our rules around it (no
 * abbreviations, errors named), every option value (formats, numbers,
 * sizes, --delimiter, --xml-record, --ref-map PREFIX=DIR, ...), and the
 * checks of options against each other and against what the library's
 * readers and writers accept. No file is opened: the parser does no I/O.
 *
 * Input layout: the argument list, split on NUL bytes when the input has
 * one (then an argument may hold a newline), else on newlines (readable
 * seeds). The first argument is the command name: "validate" runs the
 * validate parser, anything else the convert parser; "convert+FORMAT"
 * says standard input was sniffed as FORMAT ("convert+yaml"). A first
 * argument "normalize" starts with the program's own options, as main.c
 * does, and the command is the first operand.
 *
 * What counts as a bug (abort()): a usage error without a message; an
 * outcome that changes when the same arguments are parsed again (getopt's
 * global state must be reset); out of memory (nothing fails here); an
 * accepted command line that breaks a promise of the parser: a number out
 * of its documented range, a --delimiter that is a quote or line end, an
 * XML path that is not absolute, options that contradict or belong to a
 * format nothing is read or written in, no output format, an output that
 * is also an input, a --ref-map entry with an empty or non-absolute
 * PREFIX, an empty DIR, or parts that do not spell the argument; or a
 * reader or writer that refuses (NZ_EINVAL) options the parser accepted.
 * Crashes, leaks and UB are the sanitizers'.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <normalize/normalize.h>

#include "../cli/convert_args.h"
#include "../cli/validate_args.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* More arguments than any seed needs; bounds the work of one input. */
#define MAX_ARGS 1024

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_cli_args: %s%s%s\n", what, detail ? ": " : "",
            detail ? detail : "");
    abort();
}

/* ---- the argument list -------------------------------------------------- */

struct args {
    int argc;
    char **strings; /* what we allocated, in order (parsing moves argv) */
};

static void args_free(struct args *a)
{
    for (int i = 0; i < a->argc; i++)
        free(a->strings[i]);
    free(a->strings);
}

/* Split data into separately allocated strings, so that ASan sees any
 * read past the end of one. Always at least one (the command name). */
static void args_split(const uint8_t *data, size_t size, struct args *a)
{
    char sep = memchr(data, '\0', size) ? '\0' : '\n';
    size_t n = 1;
    for (size_t i = 0; i < size; i++)
        n += data[i] == (uint8_t)sep;
    if (n > MAX_ARGS)
        n = MAX_ARGS;
    a->strings = calloc(n + 1, sizeof *a->strings);
    if (!a->strings)
        fail("out of memory", NULL);
    a->argc = 0;
    size_t start = 0;
    for (size_t i = 0; i <= size && (size_t)a->argc < n; i++) {
        if (i < size && data[i] != (uint8_t)sep)
            continue;
        size_t len = i - start;
        char *s = malloc(len + 1);
        if (!s)
            fail("out of memory", NULL);
        memcpy(s, data + start, len);
        s[len] = '\0';
        a->strings[a->argc++] = s;
        start = i + 1;
    }
}

/* A fresh argv over the same strings, for one parse (it moves operands). */
static char **argv_copy(const struct args *a)
{
    char **argv = calloc((size_t)a->argc + 1, sizeof *argv);
    if (!argv)
        fail("out of memory", NULL);
    memcpy(argv, a->strings, (size_t)a->argc * sizeof *argv);
    return argv;
}

/* Is p one of our strings (or inside one, when inner)? */
static bool is_arg(const struct args *a, const char *p, bool inner)
{
    for (int i = 0; i < a->argc; i++) {
        const char *s = a->strings[i];
        if (p == s || (inner && p > s && p <= s + strlen(s)))
            return true;
    }
    return false;
}

/* The operands must be arguments after the command name, in the order
 * they were given (the parser moves them to the front of argv). With
 * mixed, options and operands may alternate: then an operand that looks
 * like an option ("-x", not "-") must come after a "--". */
static void check_operands(const struct args *a, char *const *files, int n,
                           bool mixed, const char *what)
{
    int dashdash = a->argc;
    for (int j = 1; j < a->argc && dashdash == a->argc; j++)
        if (strcmp(a->strings[j], "--") == 0)
            dashdash = j;
    int j = 1;
    for (int i = 0; i < n; i++) {
        while (j < a->argc && a->strings[j] != files[i])
            j++;
        if (j == a->argc)
            fail(what, "an operand out of order, or no argument");
        if (mixed && files[i][0] == '-' && files[i][1] != '\0' &&
            j < dashdash)
            fail(what, files[i]); /* an option taken for an operand */
        j++;
    }
}

static void check_message(const struct cli_usage *err)
{
    if (!err->text[0])
        fail("usage error without a message", NULL);
    if (!memchr(err->text, '\0', sizeof err->text))
        fail("usage message not terminated", NULL);
}

/* ---- convert ------------------------------------------------------------ */

/* The fuzzer's file system: two paths are the same file when they are the
 * same string. */
static bool same_string(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

static bool is_csv(nz_format f)
{
    return f == NZ_FORMAT_CSV || f == NZ_FORMAT_TSV;
}

static bool some_input(const struct convert_config *c, nz_format f, bool csv)
{
    for (int i = 0; i < c->file_count; i++) {
        nz_format in = convert_input_format(c, c->files[i]);
        if (in == f || (csv && is_csv(in)))
            return true;
    }
    return false;
}

/* What convert_args_parse() promises about an accepted command line. */
static void check_convert_parsed(const struct args *a,
                                 const struct convert_config *c)
{
    if (c->file_count < 1 || !c->files)
        fail("convert: no input", NULL);
    if (!(c->file_count == 1 && !is_arg(a, c->files[0], false) &&
          strcmp(c->files[0], "-") == 0)) /* else: no operand, stdin */
        check_operands(a, c->files, c->file_count, true, "convert");
    if (c->indent < -1 || c->indent > 16)
        fail("convert: --indent out of 0..16", NULL);
    if (c->max_depth > NZ_READ_JSON_DEPTH_LIMIT)
        fail("convert: --max-depth out of range", NULL);
    if (c->alias_factor > 1000000)
        fail("convert: --alias-factor out of range", NULL);
    if (c->xml_max_names &&
        (c->xml_max_names < 100 || c->xml_max_names > 100000000))
        fail("convert: --xml-max-names out of range", NULL);
    unsigned char d = (unsigned char)c->delimiter;
    if (d >= 0x80 || d == '"' || d == '\r' || d == '\n')
        fail("convert: --delimiter accepted a bad character", NULL);
    if ((size_t)c->xml_array_count > (size_t)a->argc)
        fail("convert: more --xml-array than arguments", NULL);
    if (c->xml_record && c->xml_record[0] != '/')
        fail("convert: --xml-record not absolute", c->xml_record);
    for (size_t i = 0; i < c->xml_array_count; i++)
        if (!c->xml_arrays[i] || c->xml_arrays[i][0] != '/')
            fail("convert: --xml-array not absolute", c->xml_arrays[i]);
    if (c->from != NZ_FORMAT_AUTO && !nz_format_name(c->from))
        fail("convert: -f is no format", NULL);
    if ((c->yaml_11 || c->no_merge_keys || c->alias_factor) &&
        !c->yaml_option)
        fail("convert: a yaml option not noted", NULL);
    if ((c->xml_record || c->xml_array_count || c->xml_strip_ns ||
         c->xml_max_names) &&
        !c->xml_in_option)
        fail("convert: an xml input option not noted", NULL);
    if ((c->xml_root || c->xml_record_name) && !c->xml_out_option)
        fail("convert: an xml output option not noted", NULL);
    if (c->fill && !c->csv_out_option)
        fail("convert: --fill not noted", NULL);
}

/* What convert_args_check() promises: the run may start. */
static void check_convert_checked(const struct convert_config *c)
{
    if (c->to == NZ_FORMAT_AUTO || !nz_format_name(c->to))
        fail("convert: accepted without an output format", NULL);
    bool indenting = c->pretty || c->indent > 0;
    if (c->compact && indenting)
        fail("convert: --compact with indentation", NULL);
    if (c->canonical && (indenting || c->ascii))
        fail("convert: --canonical with --pretty/--indent/--ascii", NULL);
    if (c->array && c->to != NZ_FORMAT_JSON)
        fail("convert: --array without json output", NULL);
    if (c->to == NZ_FORMAT_NDJSON && indenting)
        fail("convert: indented ndjson", NULL);
    if (c->yaml_option && !some_input(c, NZ_FORMAT_YAML, false))
        fail("convert: yaml option without yaml input", c->yaml_option);
    if (c->xml_in_option && !some_input(c, NZ_FORMAT_XML, false))
        fail("convert: xml option without xml input", c->xml_in_option);
    if (c->csv_in_option && !some_input(c, NZ_FORMAT_CSV, true))
        fail("convert: csv option without csv input", c->csv_in_option);
    if (c->xml_out_option && c->to != NZ_FORMAT_XML)
        fail("convert: xml output option without xml output", NULL);
    if (c->csv_out_option && !is_csv(c->to))
        fail("convert: csv output option without csv output", NULL);
    for (int i = 0; i < c->file_count; i++) {
        const char *f = c->files[i];
        if (c->single && convert_input_format(c, f) != NZ_FORMAT_JSON)
            fail("convert: --single with non-json input", f);
        if (c->output && strcmp(c->output, "-") != 0 &&
            strcmp(f, "-") != 0 && same_string(c->output, f))
            fail("convert: the output is an input", f);
    }
}

static int discard(const char *p, size_t n, void *ctx)
{
    (void)p;
    (void)n;
    (void)ctx;
    return 0;
}

/* The library must take what the parser accepted: the writer writes a
 * record, each input format's reader reads a small document, and neither
 * says NZ_EINVAL. */
static void check_convert_library(const struct convert_config *c)
{
    nz_write_options wo;
    convert_write_options(c, &wo);
    nz_writer *w = NULL;
    nz_diag d;
    nz_diag_clear(&d);
    int rc = nz_writer_open_callback(&w, discard, NULL, &wo, &d);
    if (rc == NZ_OK) {
        json_t *rec = json_pack("{s:i,s:s}", "a", 1, "b", "x");
        if (!rec)
            fail("out of memory", NULL);
        rc = nz_writer_write(w, rec, &d);
        if (rc >= 0)
            rc = nz_writer_finish(w, &d);
        json_decref(rec);
    }
    nz_writer_close(&w);
    if (rc == NZ_EINVAL)
        fail("convert: the writer refused accepted options", d.text);

    static const char doc_json[] = "{\"a\": 1}\n";
    static const char doc_yaml[] = "a: 1\n";
    static const char doc_xml[] = "<a><b>1</b></a>";
    static const char doc_csv[] = "a,b\n1,2\n";
    for (int i = 0; i < c->file_count && i < 8; i++) {
        nz_read_options ro;
        convert_read_options(c, c->files[i], "<fuzz>", &ro);
        const char *doc = ro.format == NZ_FORMAT_YAML  ? doc_yaml
                          : ro.format == NZ_FORMAT_XML ? doc_xml
                          : is_csv(ro.format)          ? doc_csv
                                                       : doc_json;
        nz_reader *r = NULL;
        nz_diag_clear(&d);
        rc = nz_reader_open_memory(&r, doc, strlen(doc), &ro, &d);
        for (int n = 0; rc == NZ_OK && n < 4; n++) {
            json_t *rec = NULL;
            int next = nz_reader_next(r, &rec, &d);
            json_decref(rec);
            if (next <= 0) {
                rc = next;
                break;
            }
        }
        nz_reader_close(&r);
        if (rc == NZ_EINVAL)
            fail("convert: a reader refused accepted options", d.text);
    }
}

/* One parse and check; returns the outcome, err and (when accepted) the
 * output format, for the comparison of two runs. */
struct outcome {
    int result;
    nz_format to;
    int file_count;
    struct cli_usage err;
};

static void run_convert(const struct args *a, nz_format sniffed,
                        bool check, struct outcome *o)
{
    char **argv = argv_copy(a);
    struct convert_config c;
    enum convert_args_result rc = convert_args_parse(&c, a->argc, argv,
                                                     &o->err);
    if (rc == CONVERT_ARGS_OK) {
        if (check)
            check_convert_parsed(a, &c);
        if (convert_args_reads_stdin_unknown(&c))
            c.stdin_format = sniffed;
        rc = convert_args_check(&c, same_string, &o->err);
        if (rc == CONVERT_ARGS_OK && check) {
            check_convert_checked(&c);
            check_convert_library(&c);
        }
    }
    if (rc == CONVERT_ARGS_NOMEM)
        fail("convert: out of memory", NULL);
    if (rc == CONVERT_ARGS_USAGE)
        check_message(&o->err);
    o->result = (int)rc;
    o->to = rc == CONVERT_ARGS_OK ? c.to : NZ_FORMAT_AUTO;
    o->file_count = rc == CONVERT_ARGS_OK ? c.file_count : 0;
    convert_args_free(&c);
    free(argv);
}

/* ---- validate ----------------------------------------------------------- */

/* nz_registry_open() loads the bundled meta-schemas (about a millisecond):
 * one registry takes many --ref-map entries before it is renewed. */
static nz_registry *registry;
static size_t registry_maps;

static void check_registry_takes(const struct validate_ref_map *m)
{
    if (!registry || registry_maps >= 4096) {
        nz_registry_close(&registry);
        registry_maps = 0;
        if (nz_registry_open(&registry) != NZ_OK)
            fail("out of memory", NULL);
    }
    nz_diag d;
    nz_diag_clear(&d);
    if (nz_registry_map(registry, m->prefix, m->dir, &d) != NZ_OK)
        fail("validate: nz_registry_map refused an accepted --ref-map",
             d.text);
    registry_maps++;
}

static void check_validate_parsed(const struct args *a,
                                  const struct validate_config *c)
{
    if (!c->schema || !is_arg(a, c->schema, true))
        fail("validate: accepted without a schema argument", NULL);
    switch (c->dialect) {
    case NZ_DIALECT_AUTO:
    case NZ_DIALECT_DRAFT4:
    case NZ_DIALECT_DRAFT6:
    case NZ_DIALECT_DRAFT7:
    case NZ_DIALECT_2019_09:
    case NZ_DIALECT_2020_12:
        break;
    default:
        fail("validate: an unknown dialect", NULL);
    }
    if (c->max_errors > VALIDATE_MAX_ERRORS_LIMIT)
        fail("validate: --max-errors out of range", NULL);
    if (c->max_depth > NZ_READ_JSON_DEPTH_LIMIT)
        fail("validate: --max-depth out of range", NULL);
    if (c->regex_match_limit &&
        (c->regex_match_limit < 1000 || c->regex_match_limit > UINT32_MAX))
        fail("validate: --regex-match-limit out of range", NULL);
    if (c->from != NZ_FORMAT_AUTO && !nz_format_name(c->from))
        fail("validate: -f is no format", NULL);
    if (c->nrefs + c->nref_dirs + c->nref_maps > (size_t)a->argc)
        fail("validate: more references than arguments", NULL);
    if (c->file_count < 0 || c->file_count >= a->argc)
        fail("validate: operand count", NULL);
    check_operands(a, c->files, c->file_count, true, "validate");
    for (size_t i = 0; i < c->nrefs; i++)
        if (!is_arg(a, c->refs[i], true))
            fail("validate: a --ref that is no argument", NULL);
    for (size_t i = 0; i < c->nref_maps; i++) {
        const struct validate_ref_map *m = &c->ref_maps[i];
        size_t pl = strlen(m->prefix);
        if (pl == 0)
            fail("validate: --ref-map with an empty prefix", NULL);
        if (strchr(m->prefix, '='))
            fail("validate: --ref-map prefix holds '='", m->prefix);
        if (!validate_is_absolute_uri(m->prefix, pl))
            fail("validate: --ref-map prefix not absolute", m->prefix);
        if (!m->dir[0])
            fail("validate: --ref-map with an empty DIR", m->prefix);
        /* PREFIX=DIR must be what was typed: DIR points just past the
         * '=' that follows PREFIX in one argument */
        if (!is_arg(a, m->dir, true) || m->dir[-1] != '=')
            fail("validate: --ref-map DIR is not from the argument", NULL);
        const char *start = m->dir - 1 - pl;
        if (!is_arg(a, start, true) || memcmp(start, m->prefix, pl) != 0)
            fail("validate: --ref-map PREFIX is not from the argument",
                 m->prefix);
        check_registry_takes(m);
    }
}

static void run_validate(const struct args *a, bool check, struct outcome *o)
{
    char **argv = argv_copy(a);
    struct validate_config c;
    enum validate_args_result rc = validate_args_parse(&c, a->argc, argv,
                                                       &o->err);
    if (rc == VALIDATE_ARGS_OK && check)
        check_validate_parsed(a, &c);
    if (rc == VALIDATE_ARGS_NOMEM)
        fail("validate: out of memory", NULL);
    if (rc == VALIDATE_ARGS_USAGE)
        check_message(&o->err);
    o->result = (int)rc;
    o->to = NZ_FORMAT_AUTO;
    o->file_count = rc == VALIDATE_ARGS_OK ? c.file_count : 0;
    validate_args_free(&c);
    free(argv);
}

/* ---- the program --------------------------------------------------------- */

static void run_command(const struct args *a, bool check, struct outcome *o)
{
    const char *cmd = a->strings[0];
    nz_format sniffed = NZ_FORMAT_AUTO;
    if (strncmp(cmd, "convert+", 8) == 0)
        sniffed = nz_format_from_name(cmd + 8);
    if (strcmp(cmd, "validate") == 0)
        run_validate(a, check, o);
    else
        run_convert(a, sniffed, check, o);
}

/* "normalize [--help | --version] COMMAND ...": what main.c does before
 * the command (its options stop at the first operand; then the command
 * parses its own, with getopt started over). */
static void run_program(const struct args *a, bool check, struct outcome *o)
{
    char **argv = argv_copy(a);
    struct cli_parser p;
    if (cli_parser_init(&p, cli_main_options, cli_main_option_count, a->argc,
                        argv, true) != 0)
        fail("main: the option table is too large", NULL);
    int id = cli_parser_next(&p);
    if (id < 0) {
        o->err = p.error;
        check_message(&o->err);
        o->result = 100;
    } else if (id > 0) {
        if (id != OPT_HELP && id != OPT_VERSION)
            fail("main: an option outside the table", NULL);
        o->result = 100 + id;
    } else {
        int n;
        char **operands = cli_parser_operands(&p, &n);
        if (check)
            check_operands(a, operands, n, false, "main");
        struct args command = {n, operands};
        if (n == 0)
            o->result = 99; /* "no command given" */
        else if (strcmp(operands[0], "validate") == 0 ||
                 strncmp(operands[0], "convert", 7) == 0)
            run_command(&command, check, o);
        else
            o->result = 98; /* "unknown command" */
    }
    free(argv);
}

/* ---- the target --------------------------------------------------------- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct args a;
    args_split(data, size, &a);
    bool program = strcmp(a.strings[0], "normalize") == 0;

    /* Twice: the second parse must not depend on what getopt_long()
     * kept from the first (an error in the middle of "-xyz", ...). */
    struct outcome first, second;
    memset(&first, 0, sizeof first);
    memset(&second, 0, sizeof second);
    if (program) {
        run_program(&a, true, &first);
        run_program(&a, false, &second);
    } else {
        run_command(&a, true, &first);
        run_command(&a, false, &second);
    }
    if (first.result != second.result || first.to != second.to ||
        first.file_count != second.file_count ||
        strcmp(first.err.text, second.err.text) != 0)
        fail("a second parse of the same arguments differs",
             second.err.text);
    args_free(&a);
    return 0;
}
