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
#include "convert_args.h"
#include "exit_codes.h"
#include "sniff.h"

#define HELP_COMMAND "normalize convert"

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
    convert_read_options(cfg, path, in.name, &ro);
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

static int run_convert(const struct convert_config *cfg,
                       struct cli_sniff *sniff)
{
    struct convert_run run;
    memset(&run, 0, sizeof run);
    run.cfg = cfg;
    run.sniff = sniff;
    run.status = CLI_EXIT_OK;

    int err = cli_output_open(&run.out, cfg->output);
    if (err) {
        cli_report(cfg->output, "cannot open for writing: %s", strerror(err));
        return CLI_EXIT_INPUT;
    }
    run.flush_each = cli_output_is_terminal(&run.out);

    nz_write_options wo;
    convert_write_options(cfg, &wo);
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
    struct cli_usage err;
    struct cli_sniff sniff;
    memset(&sniff, 0, sizeof sniff);
    enum convert_args_result res = convert_args_parse(&cfg, argc, argv, &err);
    /* Standard input without -f: guess its format now, as the output
     * format and the checks may depend on it. */
    if (res == CONVERT_ARGS_OK && convert_args_reads_stdin_unknown(&cfg)) {
        int e = cli_sniff_fd(&sniff, 0);
        if (e) {
            cli_report("<stdin>", "cannot read: %s", strerror(e));
            convert_args_free(&cfg);
            cli_sniff_free(&sniff);
            return CLI_EXIT_USAGE;
        }
        if (sniff.done)
            cfg.stdin_format = sniff.format;
    }
    if (res == CONVERT_ARGS_OK)
        res = convert_args_check(&cfg, cli_same_file, &err);

    int rc;
    switch (res) {
    case CONVERT_ARGS_OK:
        rc = run_convert(&cfg, &sniff);
        break;
    case CONVERT_ARGS_HELP:
        cmd_convert_help(stdout);
        rc = CLI_EXIT_OK;
        break;
    case CONVERT_ARGS_USAGE:
        cli_usage_error(HELP_COMMAND, "%s", err.text);
        rc = CLI_EXIT_USAGE;
        break;
    default:
        cli_report("normalize", "out of memory");
        rc = CLI_EXIT_USAGE;
        break;
    }
    convert_args_free(&cfg);
    cli_sniff_free(&sniff);
    return rc;
}
