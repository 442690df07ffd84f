/* normalize convert: read records in one format, write them in another.
 *
 * One reader per input, one writer for all of them; a record is written
 * as soon as it is read, so memory stays bounded by the largest record.
 *
 * Standard input without -f is sniffed (sniff.c): its first bytes are
 * read, the format is guessed from them, and the reader is then given
 * those bytes followed by the rest of the stream.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <normalize/normalize.h>

#include "cli_io.h"
#include "cli_options.h"
#include "commands.h"
#include "exit_codes.h"
#include "sniff.h"

#define HELP_COMMAND "normalize convert"

/* What the command line asked for. */
struct convert_config {
    nz_format from;          /* AUTO: each file's extension, else json  */
    nz_format to;            /* AUTO until resolve_config()             */
    const char *output;      /* -o FILE; NULL = standard output         */
    int indent;              /* --indent N; -1 = not given              */
    bool pretty;
    bool compact;
    bool sort_keys;
    bool ascii;
    bool canonical;
    bool array;
    bool single;
    bool duplicate_last;
    bool keep_going;
    size_t max_depth;        /* 0 = the library's default               */
    size_t max_record_bytes; /* 0 = the library's default               */
    bool strict;             /* --strict: lossy steps are errors        */
    /* YAML input */
    bool yaml_11;
    bool no_merge_keys;
    size_t alias_factor;     /* 0 = the library's default               */
    /* XML input and output */
    const char *xml_record;
    const char **xml_arrays; /* --xml-array, repeatable (argc entries)  */
    size_t xml_array_count;
    bool xml_strip_ns;
    const char *xml_root;
    const char *xml_record_name;
    /* CSV and TSV */
    char delimiter;          /* 0 = the format's own                    */
    bool no_header;
    bool allow_ragged;
    bool duplicate_headers_error;
    bool infer;
    bool unflatten;
    bool fill;
    /* Options given for one family of formats, to check that some input
     * or the output is of that family (an option that would be silently
     * ignored is a usage error). NULL when none was given. */
    const char *yaml_option, *xml_in_option, *xml_out_option;
    const char *csv_in_option, *csv_any_option, *csv_out_option;
    struct cli_sniff sniff;  /* standard input, when -f is not given    */
    char **files;
    int file_count;
};

void cmd_convert_help(FILE *out)
{
    fputs("Usage: normalize convert [-f FORMAT] [-t FORMAT] [options] "
          "[FILE...]\n"
          "\n"
          "Read each FILE in turn (standard input when there is none, and "
          "for '-'),\n"
          "record by record, and write every record to standard output or "
          "-o FILE.\n"
          "Formats: json (one or more JSON values), ndjson (one value per "
          "line;\n"
          "jsonl is the same), json-seq (RFC 7464 JSON text sequences), "
          "yaml\n"
          "(each document is a record), xml, csv and tsv (each row is a "
          "record).\n"
          "Standard input without -f (and not a terminal) is recognised "
          "from its\n"
          "first bytes: RS is json-seq; '{', '[', a number, true, false, "
          "null or\n"
          "a string is json; '<' is xml; '---', '%YAML', '#', '- ' or "
          "'key: ' is\n"
          "yaml; a first line with commas is csv, with tabs tsv; anything "
          "else\n"
          "is read as json.\n"
          "\n"
          "Options:\n",
          out);
    cli_options_print(out, cli_convert_options, cli_convert_option_count);
    fputs("\n"
          "A malformed record is reported on stderr as\n"
          "  FILE:LINE:COLUMN: error: MESSAGE\n"
          "The records before it are written; the rest of that file is "
          "skipped\n"
          "(see --keep-going) and the next file is read. A step that "
          "loses\n"
          "information is reported as\n"
          "  FILE:LINE:COLUMN: warning: MESSAGE\n"
          "and the record is written (with --strict it is an error "
          "instead).\n"
          "\n",
          out);
    cli_exit_codes_print(out);
    fputs("\n"
          "Examples:\n"
          "  normalize convert -t ndjson data.json > data.ndjson\n"
          "  normalize convert --sort-keys --compact < in.json\n"
          "  normalize convert -o all.json --array a.ndjson b.ndjson\n"
          "  normalize convert --infer -t ndjson people.csv\n"
          "  normalize convert -t csv --fill events.ndjson > events.csv\n",
          out);
}

/* ---- options ----------------------------------------------------------- */

static int parse_format(const char *value, const char *what, nz_format *out)
{
    nz_format f = nz_format_from_name(value);
    if (f == NZ_FORMAT_AUTO) {
        cli_usage_error(HELP_COMMAND,
                        "unknown %s format '%s' (known: json, ndjson, "
                        "jsonl, json-seq, yaml, yml, xml, csv, tsv)",
                        what, value);
        return -1;
    }
    *out = f;
    return 0;
}

static int parse_number(const char *option, const char *value,
                        unsigned long long min, unsigned long long max,
                        unsigned long long *out)
{
    if (cli_parse_uint(value, max, out) != 0 || *out < min) {
        cli_usage_error(HELP_COMMAND,
                        "%s: '%s' is not a number from %llu to %llu", option,
                        value, min, max);
        return -1;
    }
    return 0;
}

/* --delimiter C: one ASCII character (or "tab", or "\t" spelled out) that
 * is not a quote or a line end. */
static int parse_delimiter(const char *v, char *out)
{
    if (strcmp(v, "tab") == 0 || strcmp(v, "\\t") == 0) {
        *out = '\t';
        return 0;
    }
    unsigned char c = (unsigned char)v[0];
    if (v[0] == '\0' || v[1] != '\0' || c >= 0x80 || c == '"' ||
        c == '\r' || c == '\n') {
        cli_usage_error(HELP_COMMAND,
                        "--delimiter: '%s' is not one ASCII character other "
                        "than a quote or a line end (or 'tab')",
                        v);
        return -1;
    }
    *out = (char)c;
    return 0;
}

/* The options of the YAML, XML and CSV readers and writers. Each one
 * notes its family, so that check_families() can refuse it when nothing
 * is read or written in that family. */
static int apply_format_option(struct convert_config *cfg, int id,
                               const char *v)
{
    unsigned long long n;
    switch (id) {
    case OPT_YAML_1_1:
        cfg->yaml_11 = true;
        cfg->yaml_option = "--yaml-1.1";
        return 0;
    case OPT_NO_MERGE_KEYS:
        cfg->no_merge_keys = true;
        cfg->yaml_option = "--no-merge-keys";
        return 0;
    case OPT_ALIAS_FACTOR:
        if (parse_number("--alias-factor", v, 1, 1000000, &n) != 0)
            return -1;
        cfg->alias_factor = (size_t)n;
        cfg->yaml_option = "--alias-factor";
        return 0;
    case OPT_XML_RECORD:
        if (v[0] != '/') {
            cli_usage_error(HELP_COMMAND,
                            "--xml-record: '%s' is not an absolute path "
                            "such as /orders/order",
                            v);
            return -1;
        }
        cfg->xml_record = v;
        cfg->xml_in_option = "--xml-record";
        return 0;
    case OPT_XML_ARRAY:
        if (v[0] != '/') {
            cli_usage_error(HELP_COMMAND,
                            "--xml-array: '%s' is not an absolute path such "
                            "as /orders/order/item",
                            v);
            return -1;
        }
        cfg->xml_arrays[cfg->xml_array_count++] = v;
        cfg->xml_in_option = "--xml-array";
        return 0;
    case OPT_XML_STRIP_NAMESPACES:
        cfg->xml_strip_ns = true;
        cfg->xml_in_option = "--xml-strip-namespaces";
        return 0;
    case OPT_XML_ROOT:
        cfg->xml_root = v;
        cfg->xml_out_option = "--xml-root";
        return 0;
    case OPT_XML_RECORD_NAME:
        cfg->xml_record_name = v;
        cfg->xml_out_option = "--xml-record-name";
        return 0;
    case OPT_DELIMITER:
        cfg->csv_any_option = "--delimiter";
        return parse_delimiter(v, &cfg->delimiter);
    case OPT_NO_HEADER:
        cfg->no_header = true;
        cfg->csv_any_option = "--no-header";
        return 0;
    case OPT_ALLOW_RAGGED:
        cfg->allow_ragged = true;
        cfg->csv_in_option = "--allow-ragged";
        return 0;
    case OPT_DUPLICATE_HEADERS:
        if (strcmp(v, "rename") == 0) {
            cfg->duplicate_headers_error = false;
        } else if (strcmp(v, "error") == 0) {
            cfg->duplicate_headers_error = true;
        } else {
            cli_usage_error(HELP_COMMAND,
                            "--duplicate-headers: '%s' is neither 'rename' "
                            "nor 'error'",
                            v);
            return -1;
        }
        cfg->csv_in_option = "--duplicate-headers";
        return 0;
    case OPT_INFER:
        cfg->infer = true;
        cfg->csv_in_option = "--infer";
        return 0;
    case OPT_UNFLATTEN:
        cfg->unflatten = true;
        cfg->csv_in_option = "--unflatten";
        return 0;
    case OPT_FILL:
        cfg->fill = true;
        cfg->csv_out_option = "--fill";
        return 0;
    default:
        return -1;
    }
}

/* Apply one option. Returns 0, or -1 after reporting a bad value. */
static int apply_option(struct convert_config *cfg, int id, const char *v)
{
    unsigned long long n;
    switch (id) {
    case OPT_FROM:
        return parse_format(v, "input", &cfg->from);
    case OPT_TO:
        return parse_format(v, "output", &cfg->to);
    case OPT_OUTPUT:
        cfg->output = v;
        return 0;
    case OPT_PRETTY:
        cfg->pretty = true;
        return 0;
    case OPT_INDENT:
        if (parse_number("--indent", v, 0, 16, &n) != 0)
            return -1;
        cfg->indent = (int)n;
        return 0;
    case OPT_COMPACT:
        cfg->compact = true;
        return 0;
    case OPT_SORT_KEYS:
        cfg->sort_keys = true;
        return 0;
    case OPT_ASCII:
        cfg->ascii = true;
        return 0;
    case OPT_CANONICAL:
        cfg->canonical = true;
        return 0;
    case OPT_ARRAY:
        cfg->array = true;
        return 0;
    case OPT_SINGLE:
        cfg->single = true;
        return 0;
    case OPT_DUPLICATE_KEYS:
        if (strcmp(v, "error") == 0) {
            cfg->duplicate_last = false;
        } else if (strcmp(v, "last") == 0) {
            cfg->duplicate_last = true;
        } else {
            cli_usage_error(HELP_COMMAND,
                            "--duplicate-keys: '%s' is neither 'error' nor "
                            "'last'",
                            v);
            return -1;
        }
        return 0;
    case OPT_MAX_DEPTH:
        if (parse_number("--max-depth", v, 1, NZ_READ_JSON_DEPTH_LIMIT,
                         &n) != 0)
            return -1;
        cfg->max_depth = (size_t)n;
        return 0;
    case OPT_MAX_RECORD_SIZE:
        if (cli_parse_size(v, &cfg->max_record_bytes) != 0) {
            cli_usage_error(HELP_COMMAND,
                            "--max-record-size: '%s' is not a size (a "
                            "number of bytes, at least 1, optionally with "
                            "K, M or G: 64M)",
                            v);
            return -1;
        }
        return 0;
    case OPT_KEEP_GOING:
        cfg->keep_going = true;
        return 0;
    case OPT_STRICT:
        cfg->strict = true;
        return 0;
    default:
        return apply_format_option(cfg, id, v);
    }
}

/* The format FILE is read in: -f, else standard input's first bytes
 * (sniffed by parse_config()) or the file's extension, else json. */
static nz_format input_format(const struct convert_config *cfg,
                              const char *path)
{
    if (cfg->from != NZ_FORMAT_AUTO)
        return cfg->from;
    if (strcmp(path, "-") == 0)
        return cfg->sniff.done ? cfg->sniff.format : NZ_FORMAT_JSON;
    nz_format f = nz_format_from_path(path);
    return f != NZ_FORMAT_AUTO ? f : NZ_FORMAT_JSON;
}

static bool is_csv_family(nz_format f)
{
    return f == NZ_FORMAT_CSV || f == NZ_FORMAT_TSV;
}

static bool is_json_family(nz_format f)
{
    return f == NZ_FORMAT_JSON || f == NZ_FORMAT_NDJSON ||
           f == NZ_FORMAT_JSON_SEQ;
}

/* Does some input have format f (or, with csv = true, CSV or TSV)? */
static bool some_input_is(const struct convert_config *cfg, nz_format f,
                          bool csv)
{
    for (int i = 0; i < cfg->file_count; i++) {
        nz_format in = input_format(cfg, cfg->files[i]);
        if (in == f || (csv && is_csv_family(in)))
            return true;
    }
    return false;
}

/* An option of a format that nothing is read or written in would be
 * silently ignored: refuse it, naming what the inputs are read as (which
 * also shows when standard input was taken for another format). */
static int check_families(const struct convert_config *cfg,
                          const char *to_what)
{
    const char *first = cfg->files[0];
    const char *first_name = strcmp(first, "-") == 0 ? "<stdin>" : first;
    const char *first_format = nz_format_name(input_format(cfg, first));
    struct {
        const char *option;
        bool ok;
        const char *needs;
    } checks[] = {
        {cfg->yaml_option, some_input_is(cfg, NZ_FORMAT_YAML, false),
         "yaml input"},
        {cfg->xml_in_option, some_input_is(cfg, NZ_FORMAT_XML, false),
         "xml input"},
        {cfg->csv_in_option, some_input_is(cfg, NZ_FORMAT_CSV, true),
         "csv or tsv input"},
        {cfg->csv_any_option,
         some_input_is(cfg, NZ_FORMAT_CSV, true) || is_csv_family(cfg->to),
         "csv or tsv input or output"},
    };
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
        if (checks[i].option && !checks[i].ok) {
            cli_usage_error(HELP_COMMAND,
                            "%s applies to %s, but '%s' is read as %s (use "
                            "-f to say the format)",
                            checks[i].option, checks[i].needs, first_name,
                            first_format);
            return -1;
        }
    }
    if (cfg->xml_out_option && cfg->to != NZ_FORMAT_XML) {
        cli_usage_error(HELP_COMMAND, "%s needs xml output, not %s",
                        cfg->xml_out_option, to_what);
        return -1;
    }
    if (cfg->csv_out_option && !is_csv_family(cfg->to)) {
        cli_usage_error(HELP_COMMAND, "%s needs csv or tsv output, not %s",
                        cfg->csv_out_option, to_what);
        return -1;
    }
    return 0;
}

/* Choose the output format when -t did not, and describe where it came
 * from for messages about it: "-t ndjson", "ndjson output (from ...)". */
static void choose_output_format(struct convert_config *cfg, char *what,
                                 size_t size)
{
    if (cfg->to != NZ_FORMAT_AUTO) {
        snprintf(what, size, "-t %s", nz_format_name(cfg->to));
        return;
    }
    if (cfg->output && strcmp(cfg->output, "-") != 0)
        cfg->to = nz_format_from_path(cfg->output);
    if (cfg->to != NZ_FORMAT_AUTO) {
        snprintf(what, size, "%s output (from the name of the output, '%s')",
                 nz_format_name(cfg->to), cfg->output);
        return;
    }
    const char *first = cfg->files[0];
    cfg->to = input_format(cfg, first);
    snprintf(what, size, "%s output (the format of the first input, '%s')",
             nz_format_name(cfg->to),
             strcmp(first, "-") == 0 ? "<stdin>" : first);
}

/* Refuse options that contradict each other or the output format, rather
 * than let one of them silently win. Returns 0 or -1 after reporting. */
static int check_output_options(const struct convert_config *cfg,
                                 const char *to_what)
{
    const char *indenting = cfg->pretty ? "--pretty"
                            : cfg->indent > 0 ? "--indent" : NULL;
    if (cfg->compact && indenting) {
        cli_usage_error(HELP_COMMAND, "--compact and %s contradict each other",
                        indenting);
        return -1;
    }
    if (cfg->pretty && cfg->indent == 0) {
        cli_usage_error(HELP_COMMAND,
                        "--pretty and --indent 0 contradict each other");
        return -1;
    }
    if (cfg->canonical && indenting) {
        cli_usage_error(HELP_COMMAND,
                        "--canonical output has no whitespace, so it cannot "
                        "be used with %s",
                        indenting);
        return -1;
    }
    if (cfg->canonical && cfg->ascii) {
        cli_usage_error(HELP_COMMAND,
                        "--canonical writes characters as RFC 8785 says, so "
                        "it cannot be used with --ascii");
        return -1;
    }
    if (cfg->to == NZ_FORMAT_NDJSON && indenting) {
        cli_usage_error(HELP_COMMAND,
                        "%s cannot be used with %s: ndjson is one record per "
                        "line (use -t json to indent)",
                        indenting, to_what);
        return -1;
    }
    if (!is_json_family(cfg->to)) {
        const char *json_only = cfg->canonical ? "--canonical"
                                : cfg->ascii   ? "--ascii"
                                : cfg->compact ? "--compact"
                                               : NULL;
        if (!json_only && is_csv_family(cfg->to))
            json_only = indenting;
        if (json_only) {
            cli_usage_error(HELP_COMMAND,
                            "%s is for JSON output and cannot be used with "
                            "%s",
                            json_only, to_what);
            return -1;
        }
    }
    if (cfg->array && cfg->to != NZ_FORMAT_JSON) {
        cli_usage_error(HELP_COMMAND,
                        "--array needs json output, not %s; use -t json",
                        to_what);
        return -1;
    }
    return 0;
}

/* Check each input against the options. Returns 0 or -1 after
 * reporting. */
static int check_inputs(const struct convert_config *cfg)
{
    for (int i = 0; i < cfg->file_count; i++) {
        const char *path = cfg->files[i];
        nz_format f = input_format(cfg, path);
        if (cfg->single && f != NZ_FORMAT_JSON) {
            cli_usage_error(HELP_COMMAND,
                            "--single needs json input, but '%s' is read "
                            "as %s",
                            strcmp(path, "-") == 0 ? "<stdin>" : path,
                            nz_format_name(f));
            return -1;
        }
        if (cfg->output && strcmp(path, "-") != 0 &&
            strcmp(cfg->output, "-") != 0 &&
            cli_same_file(cfg->output, path)) {
            cli_usage_error(HELP_COMMAND,
                            "'%s' is both an input and the output: it would "
                            "be emptied before it is read",
                            path);
            return -1;
        }
    }
    return 0;
}

/* Parse argv into cfg. Returns 0 to go on, 1 when --help was printed, -1
 * on a usage error (reported). */
static int parse_config(struct convert_config *cfg, int argc, char **argv)
{
    static char dash[] = "-";
    static char *stdin_only[] = {dash};

    memset(cfg, 0, sizeof *cfg);
    cfg->from = NZ_FORMAT_AUTO;
    cfg->to = NZ_FORMAT_AUTO;
    cfg->indent = -1;
    cfg->xml_arrays = calloc((size_t)argc + 1, sizeof *cfg->xml_arrays);
    if (!cfg->xml_arrays) {
        cli_report("normalize", "out of memory");
        return -1;
    }

    struct cli_parser p;
    if (cli_parser_init(&p, cli_convert_options, cli_convert_option_count,
                        HELP_COMMAND, argc, argv, false) != 0)
        return -1;
    int id;
    while ((id = cli_parser_next(&p)) != 0) {
        if (id < 0)
            return -1;
        if (id == OPT_HELP) {
            cmd_convert_help(stdout);
            return 1;
        }
        if (apply_option(cfg, id, p.value) != 0)
            return -1;
    }
    int first = cli_parser_operands(&p);
    cfg->files = first < argc ? argv + first : stdin_only;
    cfg->file_count = first < argc ? argc - first : 1;

    /* Standard input without -f: guess its format now, as the output
     * format and the checks below may depend on it. */
    for (int i = 0; i < cfg->file_count && cfg->from == NZ_FORMAT_AUTO;
         i++) {
        if (strcmp(cfg->files[i], "-") == 0) {
            int err = cli_sniff_fd(&cfg->sniff, 0);
            if (err) {
                cli_report("<stdin>", "cannot read: %s", strerror(err));
                return -1;
            }
            break;
        }
    }

    char to_what[320];
    choose_output_format(cfg, to_what, sizeof to_what);
    if (check_output_options(cfg, to_what) != 0 || check_inputs(cfg) != 0 ||
        check_families(cfg, to_what) != 0)
        return -1;
    return 0;
}

/* ---- running ----------------------------------------------------------- */

struct convert_run {
    const struct convert_config *cfg;
    struct cli_sniff *sniff; /* standard input's read-ahead, if any      */
    nz_writer *writer;
    struct cli_output out;
    bool flush_each;  /* output is a terminal: show records at once    */
    int status;       /* CLI_EXIT_OK, or CLI_EXIT_INPUT after an error  */
    bool stop;        /* the output failed: read no further             */
    bool pipe_closed; /* ... because its reader went away               */
};

/* The writer failed with rc: the output is unusable from now on. */
static void output_failed(struct convert_run *run, int rc, const nz_diag *d)
{
    run->stop = true;
    if (rc == NZ_EPIPE) {
        /* Like a process killed by SIGPIPE: no message, status 141. */
        run->pipe_closed = true;
        return;
    }
    cli_output_report(&run->out, rc, d);
    run->status = CLI_EXIT_INPUT;
}

/* Put what has been written on the output before a message goes to
 * stderr, so the two read in order when they share a terminal or a log.
 * False when the output failed (and the message should not be printed
 * if the reader went away). */
static bool flush_for_message(struct convert_run *run)
{
    nz_diag d;
    nz_diag_clear(&d);
    int rc = nz_writer_flush(run->writer, &d);
    if (rc < 0) {
        output_failed(run, rc, &d);
        return false;
    }
    return true;
}

/* Report a problem with the input; it makes the exit status 2. */
static void report_input_diag(struct convert_run *run, const nz_diag *d)
{
    run->status = CLI_EXIT_INPUT;
    if (!flush_for_message(run) && run->pipe_closed)
        return;
    cli_report_diag(d);
}

/* Errors about one record, after which a line-framed reader can go on
 * with the next record; anything else (I/O, memory) ends the file. */
static bool is_record_error(int rc)
{
    switch (rc) {
    case NZ_ESYNTAX:
    case NZ_EUTF8:
    case NZ_ENUL:
    case NZ_ERANGE:
    case NZ_EDUPKEY:
    case NZ_EDEPTH:
    case NZ_ETOOBIG:
    case NZ_EUNREPRESENTABLE:
    case NZ_ELOSSY:
    case NZ_EEXPANSION:
        return true;
    default:
        return false;
    }
}

/* What the writer dropped or filled in (e.g. --fill), pointed at in the
 * input where the user can see the value concerned. */
static void report_writer_warnings(struct convert_run *run, nz_reader *r)
{
    size_t n = nz_writer_warning_count(run->writer);
    if (n == 0)
        return;
    if (!flush_for_message(run) && run->pipe_closed)
        return;
    for (size_t i = 0; i < n; i++) {
        const nz_diag *w = nz_writer_warning(run->writer, i);
        if (!w)
            continue;
        nz_diag d = *w;
        nz_position pos;
        snprintf(d.source, sizeof d.source, "%s", nz_reader_source_name(r));
        if (nz_reader_locate(r, d.path, &pos) == NZ_OK ||
            nz_reader_locate(r, "", &pos) == NZ_OK) {
            d.line = pos.line;
            d.column = pos.column;
            d.offset = pos.offset;
        }
        cli_report_diag(&d);
    }
}

/* Write one record. Returns 0, or -1 when the record could not be
 * written (reported; the output is still fine), or -2 when the output
 * failed. */
static int write_record(struct convert_run *run, nz_reader *r,
                        const json_t *record)
{
    nz_diag d;
    nz_diag_clear(&d);
    int rc = nz_writer_write(run->writer, record, &d);
    if (rc == NZ_OK && run->flush_each)
        rc = nz_writer_flush(run->writer, &d);
    if (rc >= 0) {
        report_writer_warnings(run, r);
        return 0;
    }
    if (rc != NZ_EUNREPRESENTABLE && rc != NZ_EDEPTH) {
        output_failed(run, rc, &d);
        return -2;
    }
    /* The record itself cannot be written (say, a number JSON cannot
     * spell): point at it in the input, where the user can fix it. */
    nz_position pos;
    snprintf(d.source, sizeof d.source, "%s", nz_reader_source_name(r));
    if (nz_reader_locate(r, d.path, &pos) == NZ_OK ||
        nz_reader_locate(r, "", &pos) == NZ_OK) {
        d.line = pos.line;
        d.column = pos.column;
        d.offset = pos.offset;
    }
    report_input_diag(run, &d);
    return -1;
}

/* Is d at the same place as the previous error? A reader that does not
 * move past a bad record must not make --keep-going loop forever. */
static bool same_place(const nz_diag *a, const nz_diag *b)
{
    return a->line == b->line && a->column == b->column &&
           a->offset == b->offset;
}

/* --single: the input must hold exactly one value. Look past it before
 * writing it, so that an input breaking the rule gives an error and no
 * output. Returns true when the caller should go on reading (only if the
 * reader let a second value through, which it does not promise to). */
static bool write_single(struct convert_run *run, nz_reader *reader)
{
    json_t *record = NULL;
    json_t *extra = NULL;
    nz_diag d;
    nz_diag_clear(&d);
    int rc = nz_reader_next(reader, &record, &d);
    if (rc > 0)
        rc = nz_reader_next(reader, &extra, &d);
    if (rc < 0)
        report_input_diag(run, &d);
    else if (record && write_record(run, reader, record) == 0 && extra)
        write_record(run, reader, extra);
    json_decref(record);
    json_decref(extra);
    return rc > 0;
}

/* Reader options for one input, from the command line. */
static void reader_options(const struct convert_config *cfg, const char *path,
                           const char *name, nz_read_options *ro)
{
    nz_read_options_init(ro);
    ro->format = input_format(cfg, path);
    ro->source_name = name;
    ro->max_depth = cfg->max_depth;
    ro->max_record_bytes = cfg->max_record_bytes;
    if (cfg->duplicate_last)
        ro->flags |= NZ_READ_DUPLICATE_KEYS_LAST;
    if (cfg->single)
        ro->flags |= NZ_READ_SINGLE_VALUE;
    if (cfg->strict)
        ro->flags |= NZ_READ_STRICT;
    if (cfg->yaml_11)
        ro->yaml.flags |= NZ_YAML_1_1;
    if (cfg->no_merge_keys)
        ro->yaml.flags |= NZ_YAML_NO_MERGE;
    ro->yaml.alias_factor = cfg->alias_factor;
    ro->xml.record_path = cfg->xml_record;
    ro->xml.array_paths = cfg->xml_arrays;
    ro->xml.array_path_count = cfg->xml_array_count;
    if (cfg->xml_strip_ns)
        ro->xml.flags |= NZ_XML_STRIP_NAMESPACES;
    ro->csv.delimiter = cfg->delimiter;
    if (cfg->no_header)
        ro->csv.flags |= NZ_CSV_NO_HEADER;
    if (cfg->allow_ragged)
        ro->csv.flags |= NZ_CSV_ALLOW_RAGGED;
    if (cfg->duplicate_headers_error)
        ro->csv.flags |= NZ_CSV_DUPLICATE_HEADER_ERROR;
    if (cfg->infer)
        ro->csv.flags |= NZ_CSV_INFER;
    if (cfg->unflatten)
        ro->csv.flags |= NZ_CSV_UNFLATTEN;
}

/* "FILE:LINE:COLUMN: warning: MESSAGE" for what the reader noted about
 * the record it just returned (lossy steps, without --strict). */
static void report_warnings(struct convert_run *run, const nz_reader *r)
{
    size_t n = nz_reader_warning_count(r);
    if (n == 0)
        return;
    if (!flush_for_message(run) && run->pipe_closed)
        return;
    for (size_t i = 0; i < n; i++) {
        const nz_diag *w = nz_reader_warning(r, i);
        if (w)
            cli_report_diag(w);
    }
}

static void convert_file(struct convert_run *run, const char *path)
{
    const struct convert_config *cfg = run->cfg;
    struct cli_input in;
    int err = cli_input_open(&in, path);
    if (err) {
        run->status = CLI_EXIT_INPUT;
        if (flush_for_message(run) || !run->pipe_closed)
            cli_report(path, "cannot open: %s", strerror(err));
        return;
    }

    nz_read_options ro;
    reader_options(cfg, path, in.name, &ro);
    /* NDJSON and JSON text sequences frame each record, so the reader can
     * resume after a bad one; plain JSON cannot know where the next value
     * starts. */
    bool can_resume = cfg->keep_going && ro.format != NZ_FORMAT_JSON;

    nz_reader *reader = NULL;
    nz_diag d;
    nz_diag_clear(&d);
    /* Standard input that was sniffed: the bytes read ahead come first. */
    FILE *sniffed = NULL;
    int orc;
    if (strcmp(path, "-") == 0 && run->sniff && run->sniff->done &&
        !run->sniff->used) {
        sniffed = cli_sniff_stream(run->sniff);
        if (sniffed) {
            orc = nz_reader_open_file(&reader, sniffed, &ro, &d);
        } else {
            orc = d.code = NZ_ENOMEM;
            snprintf(d.source, sizeof d.source, "%s", in.name);
            snprintf(d.text, sizeof d.text, "out of memory");
        }
    } else {
        orc = nz_reader_open_fd(&reader, in.fd, &ro, &d);
    }
    if (orc != NZ_OK) {
        report_input_diag(run, &d);
        if (sniffed)
            fclose(sniffed);
        cli_input_close(&in);
        return;
    }

    if (cfg->single && !write_single(run, reader)) {
        nz_reader_close(&reader);
        cli_input_close(&in);
        return;
    }

    nz_diag previous;
    nz_diag_clear(&previous);
    bool had_error = false;
    while (!run->stop) {
        json_t *record = NULL;
        int rc = nz_reader_next(reader, &record, &d);
        if (rc == 0)
            break;
        if (rc > 0) {
            report_warnings(run, reader);
            int wrc = write_record(run, reader, record);
            json_decref(record);
            if (wrc == -1 && !cfg->keep_going)
                break;
            continue;
        }
        report_input_diag(run, &d);
        if (!can_resume || !is_record_error(rc) ||
            (had_error && same_place(&d, &previous)))
            break;
        previous = d;
        had_error = true;
    }
    nz_reader_close(&reader);
    if (sniffed)
        fclose(sniffed);
    cli_input_close(&in);
}

/* The indentation of the output (0 = compact). */
static int output_indent(const struct convert_config *cfg)
{
    if (cfg->to == NZ_FORMAT_NDJSON || cfg->canonical || cfg->compact ||
        is_csv_family(cfg->to))
        return 0;
    if (cfg->to == NZ_FORMAT_YAML || cfg->to == NZ_FORMAT_XML)
        return cfg->indent > 0 ? cfg->indent : cfg->pretty ? 2 : 0;
    if (cfg->indent >= 0)
        return cfg->indent;
    if (cfg->pretty)
        return 2;
    /* Pretty JSON by default, for people (like jq); JSON text sequences
     * are a streaming format for programs, so compact. */
    return cfg->to == NZ_FORMAT_JSON ? 2 : 0;
}

static int run_convert(struct convert_config *cfg)
{
    struct convert_run run;
    memset(&run, 0, sizeof run);
    run.cfg = cfg;
    run.sniff = &cfg->sniff;
    run.status = CLI_EXIT_OK;

    int err = cli_output_open(&run.out, cfg->output);
    if (err) {
        cli_report(cfg->output, "cannot open for writing: %s", strerror(err));
        return CLI_EXIT_INPUT;
    }
    run.flush_each = cli_output_is_terminal(&run.out);

    nz_write_options wo;
    nz_write_options_init(&wo);
    wo.format = cfg->to;
    wo.indent = output_indent(cfg);
    if (cfg->sort_keys)
        wo.flags |= NZ_WRITE_SORT_KEYS;
    if (cfg->ascii)
        wo.flags |= NZ_WRITE_ASCII;
    if (cfg->canonical)
        wo.flags |= NZ_WRITE_CANONICAL;
    if (cfg->array)
        wo.flags |= NZ_WRITE_ARRAY;
    wo.xml.root_name = cfg->xml_root;
    wo.xml.record_name = cfg->xml_record_name;
    wo.csv.delimiter = cfg->delimiter;
    if (cfg->fill)
        wo.csv.flags |= NZ_CSV_FILL;
    if (cfg->no_header)
        wo.csv.flags |= NZ_CSV_OMIT_HEADER;
    nz_diag d;
    nz_diag_clear(&d);
    int orc = nz_writer_open_callback(&run.writer, cli_output_write, &run.out,
                                      &wo, &d);
    if (orc != NZ_OK) {
        /* Options the format's writer refuses are the user's to change. */
        if (orc == NZ_EINVAL) {
            cli_usage_error(HELP_COMMAND, "%s", d.text);
            cli_output_close(&run.out);
            return CLI_EXIT_USAGE;
        }
        cli_output_report(&run.out, d.code, &d);
        cli_output_close(&run.out);
        return CLI_EXIT_INPUT;
    }

    for (int i = 0; i < cfg->file_count && !run.stop; i++)
        convert_file(&run, cfg->files[i]);

    if (!run.stop) {
        nz_diag_clear(&d);
        int rc = nz_writer_finish(run.writer, &d);
        if (rc < 0)
            output_failed(&run, rc, &d);
    }
    nz_writer_close(&run.writer);
    if (cli_output_close(&run.out) != 0)
        run.status = CLI_EXIT_INPUT;
    return run.pipe_closed ? CLI_EXIT_PIPE : run.status;
}

int cmd_convert_run(int argc, char **argv)
{
    struct convert_config cfg;
    int rc = parse_config(&cfg, argc, argv);
    if (rc == 0)
        rc = run_convert(&cfg);
    else
        rc = rc < 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
    free(cfg.xml_arrays);
    cli_sniff_free(&cfg.sniff);
    return rc;
}
