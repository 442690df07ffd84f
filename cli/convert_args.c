/* `normalize convert`'s command line: see convert_args.h. */
#include "convert_args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- option values ------------------------------------------------------ */

static int parse_format(const char *value, const char *what, nz_format *out,
                        struct cli_usage *err)
{
    nz_format f = nz_format_from_name(value);
    if (f == NZ_FORMAT_AUTO) {
        cli_usage_set(err, "unknown %s format '%s' (known: json, ndjson, "
                      "jsonl, json-seq, yaml, yml, xml, csv, tsv)",
                      what, value);
        return -1;
    }
    *out = f;
    return 0;
}

/* --delimiter C: one ASCII character (or "tab", or "\t" spelled out) that
 * is not a quote or a line end. */
static int parse_delimiter(const char *v, char *out, struct cli_usage *err)
{
    if (strcmp(v, "tab") == 0 || strcmp(v, "\\t") == 0) {
        *out = '\t';
        return 0;
    }
    unsigned char c = (unsigned char)v[0];
    if (v[0] == '\0' || v[1] != '\0' || c >= 0x80 || c == '"' ||
        c == '\r' || c == '\n') {
        cli_usage_set(err,
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
                               const char *v, struct cli_usage *err)
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
        if (cli_parse_number("--alias-factor", v, 1, 1000000, &n, err) != 0)
            return -1;
        cfg->alias_factor = (size_t)n;
        cfg->yaml_option = "--alias-factor";
        return 0;
    case OPT_XML_RECORD:
        if (v[0] != '/') {
            cli_usage_set(err, "--xml-record: '%s' is not an absolute path "
                          "such as /orders/order",
                          v);
            return -1;
        }
        cfg->xml_record = v;
        cfg->xml_in_option = "--xml-record";
        return 0;
    case OPT_XML_ARRAY:
        if (v[0] != '/') {
            cli_usage_set(err,
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
    case OPT_XML_MAX_NAMES:
        if (cli_parse_number("--xml-max-names", v, 100, 100000000, &n,
                             err) != 0)
            return -1;
        cfg->xml_max_names = (size_t)n;
        cfg->xml_in_option = "--xml-max-names";
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
        return parse_delimiter(v, &cfg->delimiter, err);
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
            cli_usage_set(err, "--duplicate-headers: '%s' is neither 'rename' "
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

/* Apply one option. Returns 0, or -1 with err filled for a bad value. */
static int apply_option(struct convert_config *cfg, int id, const char *v,
                        struct cli_usage *err)
{
    unsigned long long n;
    switch (id) {
    case OPT_FROM:
        return parse_format(v, "input", &cfg->from, err);
    case OPT_TO:
        return parse_format(v, "output", &cfg->to, err);
    case OPT_OUTPUT:
        cfg->output = v;
        return 0;
    case OPT_PRETTY:
        cfg->pretty = true;
        return 0;
    case OPT_INDENT:
        if (cli_parse_number("--indent", v, 0, 16, &n, err) != 0)
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
            cli_usage_set(err, "--duplicate-keys: '%s' is neither 'error' nor "
                          "'last'",
                          v);
            return -1;
        }
        return 0;
    case OPT_MAX_DEPTH:
        return cli_parse_max_depth(v, &cfg->max_depth, err);
    case OPT_MAX_RECORD_SIZE:
        return cli_parse_max_record_size(v, &cfg->max_record_bytes, err);
    case OPT_KEEP_GOING:
        cfg->keep_going = true;
        return 0;
    case OPT_STRICT:
        cfg->strict = true;
        return 0;
    default:
        return apply_format_option(cfg, id, v, err);
    }
}

nz_format convert_input_format(const struct convert_config *cfg,
                               const char *path)
{
    if (cfg->from != NZ_FORMAT_AUTO)
        return cfg->from;
    if (strcmp(path, "-") == 0)
        return cfg->stdin_format != NZ_FORMAT_AUTO ? cfg->stdin_format
                                                   : NZ_FORMAT_JSON;
    nz_format f = nz_format_from_path(path);
    return f != NZ_FORMAT_AUTO ? f : NZ_FORMAT_JSON;
}

/* ---- parsing ------------------------------------------------------------ */

enum convert_args_result convert_args_parse(struct convert_config *cfg,
                                            int argc, char **argv,
                                            struct cli_usage *err)
{
    static char dash[] = "-";
    static char *stdin_only[] = {dash};

    memset(cfg, 0, sizeof *cfg);
    err->text[0] = '\0';
    cfg->from = NZ_FORMAT_AUTO;
    cfg->to = NZ_FORMAT_AUTO;
    cfg->stdin_format = NZ_FORMAT_AUTO;
    cfg->indent = -1;
    cfg->files = stdin_only;
    cfg->file_count = 1;
    /* --xml-array is repeatable: at most one per argument */
    cfg->xml_arrays = calloc((size_t)argc + 1, sizeof *cfg->xml_arrays);
    if (!cfg->xml_arrays)
        return CONVERT_ARGS_NOMEM;

    struct cli_parser p;
    if (cli_parser_init(&p, cli_convert_options, cli_convert_option_count,
                        argc, argv, false) != 0)
        return CONVERT_ARGS_NOMEM; /* a table too large: cannot happen */
    int id;
    while ((id = cli_parser_next(&p)) != 0) {
        if (id < 0) {
            *err = p.error;
            return CONVERT_ARGS_USAGE;
        }
        if (id == OPT_HELP)
            return CONVERT_ARGS_HELP;
        if (apply_option(cfg, id, p.value, err) != 0)
            return CONVERT_ARGS_USAGE;
    }
    int n;
    char **operands = cli_parser_operands(&p, &n);
    if (n > 0) {
        cfg->files = operands;
        cfg->file_count = n;
    }
    return CONVERT_ARGS_OK;
}

bool convert_args_reads_stdin_unknown(const struct convert_config *cfg)
{
    if (cfg->from != NZ_FORMAT_AUTO)
        return false;
    for (int i = 0; i < cfg->file_count; i++)
        if (strcmp(cfg->files[i], "-") == 0)
            return true;
    return false;
}

void convert_args_free(struct convert_config *cfg)
{
    free(cfg->xml_arrays);
    cfg->xml_arrays = NULL;
    cfg->xml_array_count = 0;
}

/* ---- checks ------------------------------------------------------------- */

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
        nz_format in = convert_input_format(cfg, cfg->files[i]);
        if (in == f || (csv && is_csv_family(in)))
            return true;
    }
    return false;
}

/* An option of a format that nothing is read or written in would be
 * silently ignored: refuse it, naming what the inputs are read as (which
 * also shows when standard input was taken for another format). */
static int check_families(const struct convert_config *cfg,
                          const char *to_what, struct cli_usage *err)
{
    const char *first = cfg->files[0];
    const char *first_name = strcmp(first, "-") == 0 ? "<stdin>" : first;
    const char *first_format =
        nz_format_name(convert_input_format(cfg, first));
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
            cli_usage_set(err, "%s applies to %s, but '%s' is read as %s (use "
                          "-f to say the format)",
                          checks[i].option, checks[i].needs, first_name,
                          first_format);
            return -1;
        }
    }
    if (cfg->xml_out_option && cfg->to != NZ_FORMAT_XML) {
        cli_usage_set(err, "%s needs xml output, not %s",
                      cfg->xml_out_option, to_what);
        return -1;
    }
    if (cfg->csv_out_option && !is_csv_family(cfg->to)) {
        cli_usage_set(err, "%s needs csv or tsv output, not %s",
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
    cfg->to = convert_input_format(cfg, first);
    snprintf(what, size, "%s output (the format of the first input, '%s')",
             nz_format_name(cfg->to),
             strcmp(first, "-") == 0 ? "<stdin>" : first);
}

/* Refuse options that contradict each other or the output format, rather
 * than let one of them silently win. Returns 0, or -1 with err filled. */
static int check_output_options(const struct convert_config *cfg,
                                const char *to_what, struct cli_usage *err)
{
    const char *indenting = cfg->pretty ? "--pretty"
                            : cfg->indent > 0 ? "--indent" : NULL;
    if (cfg->compact && indenting) {
        cli_usage_set(err, "--compact and %s contradict each other",
                      indenting);
        return -1;
    }
    if (cfg->pretty && cfg->indent == 0) {
        cli_usage_set(err, "--pretty and --indent 0 contradict each other");
        return -1;
    }
    if (cfg->canonical && indenting) {
        cli_usage_set(err,
                      "--canonical output has no whitespace, so it cannot "
                      "be used with %s",
                      indenting);
        return -1;
    }
    if (cfg->canonical && cfg->ascii) {
        cli_usage_set(err,
                      "--canonical writes characters as RFC 8785 says, so "
                      "it cannot be used with --ascii");
        return -1;
    }
    if (cfg->to == NZ_FORMAT_NDJSON && indenting) {
        cli_usage_set(err,
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
            cli_usage_set(err, "%s is for JSON output and cannot be used with "
                          "%s",
                          json_only, to_what);
            return -1;
        }
    }
    if (cfg->array && cfg->to != NZ_FORMAT_JSON) {
        cli_usage_set(err, "--array needs json output, not %s; use -t json",
                      to_what);
        return -1;
    }
    return 0;
}

/* Check each input against the options. Returns 0, or -1 with err
 * filled. */
static int check_inputs(const struct convert_config *cfg,
                        convert_same_file_fn same_file, struct cli_usage *err)
{
    for (int i = 0; i < cfg->file_count; i++) {
        const char *path = cfg->files[i];
        nz_format f = convert_input_format(cfg, path);
        if (cfg->single && f != NZ_FORMAT_JSON) {
            cli_usage_set(err, "--single needs json input, but '%s' is read "
                          "as %s",
                          strcmp(path, "-") == 0 ? "<stdin>" : path,
                          nz_format_name(f));
            return -1;
        }
        if (cfg->output && strcmp(path, "-") != 0 &&
            strcmp(cfg->output, "-") != 0 &&
            same_file(cfg->output, path)) {
            cli_usage_set(err,
                          "'%s' is both an input and the output: it would "
                          "be emptied before it is read",
                          path);
            return -1;
        }
    }
    return 0;
}

/* ---- library options ---------------------------------------------------- */

void convert_read_options(const struct convert_config *cfg, const char *path,
                          const char *name, nz_read_options *ro)
{
    nz_read_options_init(ro);
    ro->format = convert_input_format(cfg, path);
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
    ro->xml.max_names = cfg->xml_max_names;
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


void convert_write_options(const struct convert_config *cfg,
                           nz_write_options *wo)
{
    nz_write_options_init(wo);
    wo->format = cfg->to;
    wo->indent = output_indent(cfg);
    if (cfg->sort_keys)
        wo->flags |= NZ_WRITE_SORT_KEYS;
    if (cfg->ascii)
        wo->flags |= NZ_WRITE_ASCII;
    if (cfg->canonical)
        wo->flags |= NZ_WRITE_CANONICAL;
    if (cfg->array)
        wo->flags |= NZ_WRITE_ARRAY;
    wo->xml.root_name = cfg->xml_root;
    wo->xml.record_name = cfg->xml_record_name;
    wo->csv.delimiter = cfg->delimiter;
    if (cfg->fill)
        wo->csv.flags |= NZ_CSV_FILL;
    if (cfg->no_header)
        wo->csv.flags |= NZ_CSV_OMIT_HEADER;
}

/* ---- asking the library ------------------------------------------------- */

/* The library checks some option values itself (XML names and paths, ...)
 * when a reader or writer is opened. Ask it now, with the options the run
 * will use, so that a bad value is a usage error before any file is
 * opened: the output is not emptied, no input is half converted. */

static int discard(const char *data, size_t size, void *ctx)
{
    (void)data;
    (void)size;
    (void)ctx;
    return 0;
}

/* What the library said when opened: NZ_EINVAL is an option value the
 * user must change; NZ_ENOMEM is no usage error; anything else is about
 * the (empty) data, which is not the question here. */
static enum convert_args_result probed(int rc, const nz_diag *d,
                                       struct cli_usage *err)
{
    if (rc == NZ_ENOMEM)
        return CONVERT_ARGS_NOMEM;
    if (rc != NZ_EINVAL)
        return CONVERT_ARGS_OK;
    cli_usage_set(err, "%s", d->text[0] ? d->text : nz_strerror(rc));
    return CONVERT_ARGS_USAGE;
}

static enum convert_args_result probe_writer(const struct convert_config *cfg,
                                             struct cli_usage *err)
{
    nz_write_options wo;
    convert_write_options(cfg, &wo);
    nz_writer *w = NULL;
    nz_diag d;
    nz_diag_clear(&d);
    int rc = nz_writer_open_callback(&w, discard, NULL, &wo, &d);
    nz_writer_close(&w);
    return probed(rc, &d, err);
}

/* Each input format once (there are few formats, and many files). */
static enum convert_args_result probe_readers(const struct convert_config *cfg,
                                              struct cli_usage *err)
{
    nz_format seen[16];
    size_t nseen = 0;
    for (int i = 0; i < cfg->file_count; i++) {
        nz_format f = convert_input_format(cfg, cfg->files[i]);
        bool again = false;
        for (size_t j = 0; j < nseen && !again; j++)
            again = seen[j] == f;
        if (again)
            continue;
        if (nseen < sizeof seen / sizeof seen[0])
            seen[nseen++] = f;
        nz_read_options ro;
        convert_read_options(cfg, cfg->files[i], "<probe>", &ro);
        nz_reader *r = NULL;
        nz_diag d;
        nz_diag_clear(&d);
        int rc = nz_reader_open_memory(&r, "", 0, &ro, &d);
        nz_reader_close(&r);
        enum convert_args_result res = probed(rc, &d, err);
        if (res != CONVERT_ARGS_OK)
            return res;
    }
    return CONVERT_ARGS_OK;
}

enum convert_args_result convert_args_check(struct convert_config *cfg,
                                            convert_same_file_fn same_file,
                                            struct cli_usage *err)
{
    char to_what[320];
    choose_output_format(cfg, to_what, sizeof to_what);
    if (check_output_options(cfg, to_what, err) != 0 ||
        check_inputs(cfg, same_file, err) != 0 ||
        check_families(cfg, to_what, err) != 0)
        return CONVERT_ARGS_USAGE;
    enum convert_args_result rc = probe_writer(cfg, err);
    if (rc == CONVERT_ARGS_OK)
        rc = probe_readers(cfg, err);
    return rc;
}
