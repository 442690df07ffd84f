/* normalize validate: check records against a JSON Schema.
 *
 *   normalize validate -s SCHEMA [--dialect D] [--assert-formats]
 *                      [--ref FILE] [--ref-dir DIR] [--ref-map PREFIX=DIR]
 *                      [--output flag] [FILE...]
 *
 * The schema is compiled once; every record of every input is checked
 * against it. With --output flag each record gets one line on standard
 * output in JSON Schema's "flag" output format; the errors of invalid
 * records go to stderr as FILE:LINE:COLUMN: error: MESSAGE, positioned on
 * the failing value. References resolve offline only: the schema's own
 * folder (through its file:// URI), --ref files, --ref-dir folders and
 * --ref-map prefixes.
 */
/* realpath() is XSI */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <normalize/normalize.h>

#include "cli_io.h"
#include "cli_options.h"
#include "commands.h"
#include "exit_codes.h"
#include "validate_args.h"

#define HELP_COMMAND "normalize validate"

struct validate_run {
    const struct validate_config *cfg;
    nz_schema *schema;
    int status;      /* worst exit code so far */
    bool pipe_closed;
};

void cmd_validate_help(FILE *out)
{
    fputs("Usage: normalize validate -s SCHEMA [options] [FILE...]\n"
          "\n"
          "Validate every record of each FILE (standard input when there "
          "is none,\n"
          "and for '-') against a JSON Schema, drafts 4, 6, 7, 2019-09 "
          "and 2020-12.\n"
          "Records are read as by 'normalize convert' (any input format); "
          "standard\n"
          "input is ndjson unless -f says otherwise.\n"
          "\n"
          "Options:\n",
          out);
    cli_options_print(out, cli_validate_options, cli_validate_option_count);
    fputs("\n"
          "An invalid record is reported on stderr, one line per error, "
          "at the\n"
          "failing value:\n"
          "  FILE:LINE:COLUMN: error: /instance/path: MESSAGE "
          "[keyword location]\n"
          "A schema that is invalid or has a reference that cannot be "
          "resolved is\n"
          "reported at its place in the schema file, and nothing is "
          "validated.\n"
          "A lenient reading (keywords beside $ref in drafts 4 to 7, which "
          "are\n"
          "ignored there; an unknown $schema) is reported as a warning.\n"
          "$refs resolve to the bundled meta-schemas, to files in the "
          "schema's folder\n"
          "and below it (relative references), and to what --ref, "
          "--ref-dir and\n"
          "--ref-map provide; nothing else is read, and nothing is ever "
          "fetched\n"
          "from the network.\n"
          "\n",
          out);
    cli_exit_codes_print(out);
    fputs("\n"
          "Examples:\n"
          "  normalize validate -s person.schema.json people.ndjson\n"
          "  normalize validate -s api.yaml --output flag < events.ndjson\n"
          "  normalize validate -s s.json --ref-map "
          "https://example.com/schemas/=./schemas data.json\n",
          out);
}

/* ---- the schema ---------------------------------------------------------- */

/* The position of a JSON Pointer in a schema file, read again (an error
 * in a file the schema references: the library names it by URI). */
static bool locate_in_file(const char *path, const char *pointer,
                           nz_position *pos)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return false;
    nz_read_options ro;
    nz_read_options_init(&ro);
    ro.source_name = path;
    ro.flags = NZ_READ_SINGLE_VALUE | NZ_READ_KEEP_POSITIONS;
    if (nz_format_from_path(path) == NZ_FORMAT_AUTO)
        ro.format = NZ_FORMAT_JSON;
    nz_reader *r = NULL;
    json_t *doc = NULL;
    bool found = false;
    if (nz_reader_open_file(&r, fp, &ro, NULL) == NZ_OK &&
        nz_reader_next(r, &doc, NULL) > 0)
        found = nz_reader_locate(r, pointer, pos) == NZ_OK;
    json_decref(doc);
    nz_reader_close(&r);
    fclose(fp);
    return found;
}

/* Report a schema diagnostic at its place in the schema file (or in the
 * local file it comes from) when the path can be found there. */
static void report_schema_diag(nz_diag *d, const nz_reader *schema_reader,
                               const char *schema_path)
{
    if (!d->source[0] || strcmp(d->source, "<input>") == 0)
        snprintf(d->source, sizeof d->source, "%s", schema_path);
    nz_position pos;
    bool found = false;
    if (d->line == 0 && strcmp(d->source, schema_path) == 0)
        found = schema_reader &&
                nz_reader_locate(schema_reader, d->path, &pos) == NZ_OK;
    else if (d->line == 0 && strncmp(d->source, "file://", 7) == 0) {
        char path[NZ_DIAG_SOURCE_MAX];
        snprintf(path, sizeof path, "%s", d->source + 7);
        found = locate_in_file(path, d->path, &pos);
        if (found)
            snprintf(d->source, sizeof d->source, "%s", path);
    }
    if (found) {
        d->line = pos.line;
        d->column = pos.column;
        d->offset = pos.offset;
    }
    cli_report_diag(d);
}

/* The absolute path of the folder holding the schema file. Caller frees. */
static char *schema_folder(const char *schema)
{
    char *abs = realpath(schema, NULL);
    if (!abs)
        return NULL;
    char *slash = strrchr(abs, '/');
    if (slash == abs)
        slash[1] = '\0'; /* a schema in / itself */
    else if (slash)
        *slash = '\0';
    return abs;
}

static int setup_registry(const struct validate_config *cfg, nz_registry *reg)
{
    nz_diag d;
    nz_diag_clear(&d);
    /* Relative references from the schema file reach the files in its
     * folder (and below) through its file:// URI. Only that folder: a
     * schema from elsewhere must not read /etc/passwd by naming it; other
     * folders are opened with --ref-dir or --ref-map. */
    char *dir = schema_folder(cfg->schema);
    if (!dir) {
        cli_report(cfg->schema, "cannot open: %s",
                   strerror(errno));
        return CLI_EXIT_SCHEMA;
    }
    size_t n = strlen(dir) + sizeof "file:///";
    char *folder_uri = malloc(n);
    if (!folder_uri) {
        free(dir);
        cli_report("normalize", "out of memory");
        return CLI_EXIT_INPUT;
    }
    snprintf(folder_uri, n, "file://%s%s", dir,
             dir[strlen(dir) - 1] == '/' ? "" : "/");
    int mapped = nz_registry_map(reg, folder_uri, dir, &d);
    free(folder_uri);
    free(dir);
    if (mapped != NZ_OK) {
        cli_report_diag(&d);
        return CLI_EXIT_SCHEMA;
    }
    for (size_t i = 0; i < cfg->nref_maps; i++) {
        if (nz_registry_map(reg, cfg->ref_maps[i].prefix, cfg->ref_maps[i].dir,
                            &d) != NZ_OK) {
            cli_report("--ref-map", "%s", d.text);
            return CLI_EXIT_SCHEMA;
        }
    }
    for (size_t i = 0; i < cfg->nrefs; i++)
        if (nz_registry_add_file(reg, cfg->refs[i], &d) != NZ_OK) {
            cli_report_diag(&d);
            return CLI_EXIT_SCHEMA;
        }
    for (size_t i = 0; i < cfg->nref_dirs; i++)
        if (nz_registry_add_dir(reg, cfg->ref_dirs[i], &d) != NZ_OK) {
            cli_report_diag(&d);
            return CLI_EXIT_SCHEMA;
        }
    return CLI_EXIT_OK;
}

/* "file:///abs/path" for the schema, so relative $refs find its
 * neighbours. Caller frees. */
static char *file_uri_of(const char *path)
{
    char *abs = realpath(path, NULL);
    if (!abs)
        return NULL;
    size_t n = strlen(abs) + 8;
    char *u = malloc(n);
    if (u)
        snprintf(u, n, "file://%s", abs);
    free(abs);
    return u;
}

static int load_schema(const struct validate_config *cfg, nz_registry *reg,
                       nz_schema **out)
{
    FILE *fp = fopen(cfg->schema, "rb");
    if (!fp) {
        cli_report(cfg->schema, "cannot open: %s", strerror(errno));
        return CLI_EXIT_SCHEMA;
    }
    nz_read_options ro;
    nz_read_options_init(&ro);
    ro.source_name = cfg->schema;
    ro.flags = NZ_READ_SINGLE_VALUE | NZ_READ_KEEP_POSITIONS;
    if (nz_format_from_path(cfg->schema) == NZ_FORMAT_AUTO)
        ro.format = NZ_FORMAT_JSON;
    nz_reader *r = NULL;
    nz_diag d;
    nz_diag_clear(&d);
    json_t *doc = NULL;
    int status = CLI_EXIT_SCHEMA;
    int rc = nz_reader_open_file(&r, fp, &ro, &d);
    if (rc == NZ_OK)
        rc = nz_reader_next(r, &doc, &d);
    if (rc == 0) {
        cli_report(cfg->schema, "the schema file is empty");
    } else if (rc < 0) {
        cli_report_diag(&d);
    } else {
        nz_schema_options so;
        nz_schema_options_init(&so);
        so.dialect = cfg->dialect;
        if (cfg->assert_formats)
            so.flags |= NZ_SCHEMA_ASSERT_FORMATS;
        so.regex_match_limit = cfg->regex_match_limit;
        char *base = file_uri_of(cfg->schema);
        so.base_uri = base;
        nz_diag_clear(&d);
        rc = nz_schema_compile(out, doc, &so, reg, &d);
        free(base);
        if (rc == NZ_OK) {
            status = CLI_EXIT_OK;
            /* leniencies: said once, on stderr, at their place */
            for (size_t i = 0; i < nz_schema_warning_count(*out); i++) {
                nz_diag w = *nz_schema_warning(*out, i);
                report_schema_diag(&w, r, cfg->schema);
            }
        }
        else if (rc == NZ_ENOMEM)
            cli_report(cfg->schema, "out of memory"), status = CLI_EXIT_INPUT;
        else
            report_schema_diag(&d, r, cfg->schema);
        /* One schema per file: a second document is an error, not
         * ignored. Checked last, as the positions above need the first
         * document to be the reader's current record. */
        if (status == CLI_EXIT_OK &&
            nz_reader_expect_end(r, &d) != NZ_OK) {
            cli_report_diag(&d);
            nz_schema_unref(out);
            status = CLI_EXIT_SCHEMA;
        }
    }
    json_decref(doc);
    nz_reader_close(&r);
    fclose(fp);
    return status;
}

/* ---- records ------------------------------------------------------------- */

static void worse(struct validate_run *run, int status)
{
    /* malformed input (2) outranks invalid data (1) */
    if (status == CLI_EXIT_INPUT || run->status == CLI_EXIT_OK)
        run->status = status;
}

static bool emit(struct validate_run *run, const char *line)
{
    if (run->pipe_closed)
        return false;
    if (fputs(line, stdout) == EOF) {
        if (errno == EPIPE)
            run->pipe_closed = true;
        else
            cli_report(CLI_STDOUT_NAME, "cannot write: %s", strerror(errno));
        worse(run, CLI_EXIT_INPUT);
        return false;
    }
    return true;
}

/* Print the errors of an invalid record on stderr, each at the place of
 * the failing value in the input. */
static void report_errors(struct validate_run *run, const nz_reader *r,
                          const json_t *record, const char *source,
                          uint64_t record_no)
{
    nz_result *res = NULL;
    int rc = nz_schema_validate(run->schema, record,
                                (size_t)run->cfg->max_errors, &res);
    if (rc < 0) {
        cli_report(source, "record %llu: cannot be validated: %s",
                   (unsigned long long)record_no, nz_strerror(rc));
        return;
    }
    for (size_t i = 0; i < nz_result_count(res); i++) {
        const nz_validation_error *e = nz_result_error(res, i);
        nz_diag d;
        nz_diag_clear(&d);
        d.code = NZ_EINVALID;
        snprintf(d.source, sizeof d.source, "%s", source);
        nz_position pos;
        if (nz_reader_locate(r, e->instance_location, &pos) == NZ_OK) {
            d.line = pos.line;
            d.column = pos.column;
            d.offset = pos.offset;
        }
        char text[NZ_DIAG_TEXT_MAX];
        snprintf(text, sizeof text, "%s: %s [%s]",
                 e->instance_location[0] ? e->instance_location : "/",
                 e->message, e->keyword_location);
        snprintf(d.text, sizeof d.text, "%s", text);
        cli_report_diag(&d);
    }
    nz_result_free(&res);
}

static bool is_framed(nz_format f)
{
    return f == NZ_FORMAT_NDJSON || f == NZ_FORMAT_JSON_SEQ;
}

static void validate_file(struct validate_run *run, const char *path)
{
    const struct validate_config *cfg = run->cfg;
    struct cli_input in;
    int err = cli_input_open(&in, path);
    if (err) {
        cli_report(path, "cannot open: %s", strerror(err));
        worse(run, CLI_EXIT_INPUT);
        return;
    }
    nz_read_options ro;
    nz_read_options_init(&ro);
    ro.source_name = in.name;
    ro.flags = NZ_READ_KEEP_POSITIONS;
    ro.max_depth = cfg->max_depth;
    ro.max_record_bytes = cfg->max_record_bytes;
    if (cfg->from != NZ_FORMAT_AUTO)
        ro.format = cfg->from;
    else if (strcmp(path, "-") == 0)
        ro.format = NZ_FORMAT_NDJSON;
    else if (nz_format_from_path(path) == NZ_FORMAT_AUTO)
        ro.format = NZ_FORMAT_JSON;
    nz_reader *r = NULL;
    nz_diag d;
    nz_diag_clear(&d);
    if (nz_reader_open_fd(&r, in.fd, &ro, &d) != NZ_OK) {
        cli_report_diag(&d);
        worse(run, CLI_EXIT_INPUT);
        cli_input_close(&in);
        return;
    }
    nz_format fmt = ro.format != NZ_FORMAT_AUTO ? ro.format
                                                : nz_format_from_path(path);
    uint64_t record_no = 0;
    uint64_t last_error_line = 0;
    for (;;) {
        json_t *rec = NULL;
        int rc = nz_reader_next(r, &rec, &d);
        if (rc == 0)
            break;
        if (rc < 0) {
            cli_report_diag(&d);
            worse(run, CLI_EXIT_INPUT);
            /* framed formats go on with the next record; stop if the
             * reader does not move */
            if (!is_framed(fmt) || rc == NZ_ESTATE || rc == NZ_EIO ||
                (d.line && d.line == last_error_line))
                break;
            last_error_line = d.line;
            continue;
        }
        record_no++;
        int v = nz_schema_check(run->schema, rec);
        if (v < 0) {
            nz_position pos;
            nz_diag_clear(&d);
            d.code = v;
            snprintf(d.source, sizeof d.source, "%s", in.name);
            if (nz_reader_locate(r, "", &pos) == NZ_OK) {
                d.line = pos.line;
                d.column = pos.column;
            }
            snprintf(d.text, sizeof d.text,
                     "record %llu could not be validated: %s",
                     (unsigned long long)record_no, nz_strerror(v));
            cli_report_diag(&d);
            worse(run, CLI_EXIT_INVALID);
        } else if (v == 0) {
            worse(run, CLI_EXIT_INVALID);
            report_errors(run, r, rec, in.name, record_no);
        }
        json_decref(rec);
        if (cfg->flag_output &&
            !emit(run, v == 1 ? "{\"valid\":true}\n" : "{\"valid\":false}\n"))
            break;
    }
    nz_reader_close(&r);
    cli_input_close(&in);
}

int cmd_validate_run(int argc, char **argv)
{
    struct validate_config cfg;
    struct cli_usage err;
    enum validate_args_result parsed =
        validate_args_parse(&cfg, argc, argv, &err);
    if (parsed != VALIDATE_ARGS_OK) {
        int status = CLI_EXIT_OK;
        if (parsed == VALIDATE_ARGS_HELP) {
            cmd_validate_help(stdout);
        } else if (parsed == VALIDATE_ARGS_USAGE) {
            cli_usage_error(HELP_COMMAND, "%s", err.text);
            status = CLI_EXIT_USAGE;
        } else {
            cli_report("normalize", "out of memory");
            status = CLI_EXIT_INPUT;
        }
        validate_args_free(&cfg);
        return status;
    }
    nz_registry *reg = NULL;
    if (nz_registry_open(&reg) != NZ_OK) {
        cli_report("normalize", "out of memory");
        validate_args_free(&cfg);
        return CLI_EXIT_INPUT;
    }
    struct validate_run run;
    memset(&run, 0, sizeof run);
    run.cfg = &cfg;
    int status = setup_registry(&cfg, reg);
    if (status == CLI_EXIT_OK)
        status = load_schema(&cfg, reg, &run.schema);
    nz_registry_close(&reg);
    if (status != CLI_EXIT_OK) {
        validate_args_free(&cfg);
        return status;
    }
    if (cfg.file_count == 0) {
        validate_file(&run, "-");
    } else {
        for (int i = 0; i < cfg.file_count && !run.pipe_closed; i++)
            validate_file(&run, cfg.files[i]);
    }
    if (!run.pipe_closed && fflush(stdout) == EOF) {
        if (errno == EPIPE)
            run.pipe_closed = true;
        else
            worse(&run, CLI_EXIT_INPUT);
    }
    nz_schema_unref(&run.schema);
    validate_args_free(&cfg);
    return run.pipe_closed ? CLI_EXIT_PIPE : run.status;
}
