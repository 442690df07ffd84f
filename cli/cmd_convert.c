/* normalize convert: read records in one format, write them in another.
 *
 * One reader per input, one writer for all of them; a record is written
 * as soon as it is read, so memory stays bounded by the largest record.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <normalize/normalize.h>

#include "cli_io.h"
#include "cli_options.h"
#include "commands.h"
#include "exit_codes.h"

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
          "jsonl is the same), json-seq (RFC 7464 JSON text sequences).\n"
          "\n"
          "Options:\n",
          out);
    cli_options_print(out, cli_convert_options, cli_convert_option_count);
    fputs("\n"
          "A malformed record is reported on stderr as\n"
          "  FILE:LINE:COLUMN: error: MESSAGE\n"
          "The records before it are written; the rest of that file is "
          "skipped\n"
          "(see --keep-going) and the next file is read.\n"
          "\n",
          out);
    cli_exit_codes_print(out);
    fputs("\n"
          "Examples:\n"
          "  normalize convert -t ndjson data.json > data.ndjson\n"
          "  normalize convert --sort-keys --compact < in.json\n"
          "  normalize convert -o all.json --array a.ndjson b.ndjson\n",
          out);
}

/* ---- options ----------------------------------------------------------- */

static int parse_format(const char *value, const char *what, nz_format *out)
{
    nz_format f = nz_format_from_name(value);
    /* The library knows the names of formats it cannot read yet. */
    if (f != NZ_FORMAT_JSON && f != NZ_FORMAT_NDJSON &&
        f != NZ_FORMAT_JSON_SEQ) {
        cli_usage_error(HELP_COMMAND,
                        "unknown %s format '%s' (known: json, ndjson, "
                        "jsonl, json-seq)",
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
    default:
        return -1;
    }
}

/* The format FILE is read in. */
static nz_format input_format(const struct convert_config *cfg,
                              const char *path)
{
    if (cfg->from != NZ_FORMAT_AUTO)
        return cfg->from;
    nz_format f = strcmp(path, "-") == 0 ? NZ_FORMAT_AUTO
                                         : nz_format_from_path(path);
    return f != NZ_FORMAT_AUTO ? f : NZ_FORMAT_JSON;
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

    char to_what[320];
    choose_output_format(cfg, to_what, sizeof to_what);
    if (check_output_options(cfg, to_what) != 0 || check_inputs(cfg) != 0)
        return -1;
    return 0;
}

/* ---- running ----------------------------------------------------------- */

struct convert_run {
    const struct convert_config *cfg;
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
        return true;
    default:
        return false;
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
    if (rc >= 0)
        return 0;
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
    nz_read_options_init(&ro);
    ro.format = input_format(cfg, path);
    ro.source_name = in.name;
    ro.max_depth = cfg->max_depth;
    ro.max_record_bytes = cfg->max_record_bytes;
    if (cfg->duplicate_last)
        ro.flags |= NZ_READ_DUPLICATE_KEYS_LAST;
    if (cfg->single)
        ro.flags |= NZ_READ_SINGLE_VALUE;
    /* NDJSON and JSON text sequences frame each record, so the reader can
     * resume after a bad one; plain JSON cannot know where the next value
     * starts. */
    bool can_resume = cfg->keep_going && ro.format != NZ_FORMAT_JSON;

    nz_reader *reader = NULL;
    nz_diag d;
    nz_diag_clear(&d);
    if (nz_reader_open_fd(&reader, in.fd, &ro, &d) != NZ_OK) {
        report_input_diag(run, &d);
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
    cli_input_close(&in);
}

/* The indentation of the output (0 = compact). */
static int output_indent(const struct convert_config *cfg)
{
    if (cfg->to == NZ_FORMAT_NDJSON || cfg->canonical || cfg->compact)
        return 0;
    if (cfg->indent >= 0)
        return cfg->indent;
    if (cfg->pretty)
        return 2;
    /* Pretty JSON by default, for people (like jq); JSON text sequences
     * are a streaming format for programs, so compact. */
    return cfg->to == NZ_FORMAT_JSON ? 2 : 0;
}

static int run_convert(const struct convert_config *cfg)
{
    struct convert_run run;
    memset(&run, 0, sizeof run);
    run.cfg = cfg;
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
    nz_diag d;
    nz_diag_clear(&d);
    if (nz_writer_open_callback(&run.writer, cli_output_write, &run.out, &wo,
                                &d) != NZ_OK) {
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
    if (rc < 0)
        return CLI_EXIT_USAGE;
    if (rc > 0)
        return CLI_EXIT_OK;
    return run_convert(&cfg);
}
