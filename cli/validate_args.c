/* `normalize validate`'s command line: see validate_args.h. */
#include "validate_args.h"

#include <stdlib.h>
#include <string.h>

static int parse_dialect(const char *v, nz_dialect *out,
                         struct cli_usage *err)
{
    static const struct {
        const char *name;
        nz_dialect d;
    } names[] = {
        {"4", NZ_DIALECT_DRAFT4},          {"draft4", NZ_DIALECT_DRAFT4},
        {"draft-04", NZ_DIALECT_DRAFT4},   {"6", NZ_DIALECT_DRAFT6},
        {"draft6", NZ_DIALECT_DRAFT6},     {"draft-06", NZ_DIALECT_DRAFT6},
        {"7", NZ_DIALECT_DRAFT7},          {"draft7", NZ_DIALECT_DRAFT7},
        {"draft-07", NZ_DIALECT_DRAFT7},   {"2019-09", NZ_DIALECT_2019_09},
        {"draft2019-09", NZ_DIALECT_2019_09}, {"2020-12", NZ_DIALECT_2020_12},
        {"draft2020-12", NZ_DIALECT_2020_12},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i].name, v) == 0) {
            *out = names[i].d;
            return 0;
        }
    cli_usage_set(err,
                  "unknown dialect '%s' (known: 4, 6, 7, 2019-09, 2020-12)",
                  v);
    return -1;
}

/* ASCII only: isalpha() would follow the locale. */
static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool validate_is_absolute_uri(const char *text, size_t len)
{
    /* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ':' */
    if (len == 0 || !is_alpha(text[0]))
        return false;
    for (size_t i = 1; i < len; i++) {
        char c = text[i];
        if (c == ':')
            return true;
        if (!is_alpha(c) && !(c >= '0' && c <= '9') && c != '+' &&
            c != '-' && c != '.')
            return false;
    }
    return false;
}

/* --ref-map PREFIX=DIR. A DIR left empty (say, by an unset shell
 * variable) would serve the URIs from the root of the file system, and a
 * PREFIX that is no absolute URI would fail only once the schema is
 * loaded: both are usage errors here. Returns 0, -1 (usage) or -2 (out
 * of memory). */
static int parse_ref_map(const char *v, struct validate_ref_map *out,
                         struct cli_usage *err)
{
    const char *eq = strchr(v, '=');
    if (!eq || eq == v) {
        cli_usage_set(err, "--ref-map needs PREFIX=DIR, got '%s'", v);
        return -1;
    }
    size_t len = (size_t)(eq - v);
    if (!validate_is_absolute_uri(v, len)) {
        cli_usage_set(err,
                      "--ref-map: '%.*s' is not an absolute URI prefix "
                      "such as https://example.com/schemas/",
                      (int)(len < 512 ? len : 512), v);
        return -1;
    }
    if (eq[1] == '\0') {
        cli_usage_set(err,
                      "--ref-map needs PREFIX=DIR, got '%s' (DIR is empty; "
                      "use . for the current folder)",
                      v);
        return -1;
    }
    out->prefix = malloc(len + 1);
    if (!out->prefix)
        return -2;
    memcpy(out->prefix, v, len);
    out->prefix[len] = '\0';
    out->dir = eq + 1;
    return 0;
}

/* Apply one option. Returns 0, -1 (usage, err filled) or -2 (memory). */
static int apply_option(struct validate_config *cfg, int id, const char *v,
                        struct cli_usage *err)
{
    switch (id) {
    case OPT_SCHEMA:
        cfg->schema = v;
        return 0;
    case OPT_DIALECT:
        return parse_dialect(v, &cfg->dialect, err);
    case OPT_ASSERT_FORMATS:
        cfg->assert_formats = true;
        return 0;
    case OPT_REF:
        cfg->refs[cfg->nrefs++] = v;
        return 0;
    case OPT_REF_DIR:
        cfg->ref_dirs[cfg->nref_dirs++] = v;
        return 0;
    case OPT_REF_MAP: {
        int rc = parse_ref_map(v, &cfg->ref_maps[cfg->nref_maps], err);
        if (rc == 0)
            cfg->nref_maps++;
        return rc;
    }
    case OPT_FROM:
        cfg->from = nz_format_from_name(v);
        if (cfg->from == NZ_FORMAT_AUTO) {
            cli_usage_set(err,
                          "unknown input format '%s' (known: json, "
                          "ndjson, jsonl, json-seq, yaml, yml, xml, "
                          "csv, tsv)",
                          v);
            return -1;
        }
        return 0;
    case OPT_RESULT_OUTPUT:
        if (strcmp(v, "flag") != 0) {
            cli_usage_set(err, "unknown output format '%s' (known: flag)",
                          v);
            return -1;
        }
        cfg->flag_output = true;
        return 0;
    case OPT_MAX_ERRORS:
        if (cli_parse_uint(v, VALIDATE_MAX_ERRORS_LIMIT, &cfg->max_errors)) {
            cli_usage_set(err,
                          "--max-errors needs a number 0..%d, got '%s'",
                          VALIDATE_MAX_ERRORS_LIMIT, v);
            return -1;
        }
        return 0;
    case OPT_MAX_DEPTH:
        return cli_parse_max_depth(v, &cfg->max_depth, err);
    case OPT_MAX_RECORD_SIZE:
        return cli_parse_max_record_size(v, &cfg->max_record_bytes, err);
    case OPT_REGEX_MATCH_LIMIT: {
        /* PCRE2 counts in 32 bits; below 1000 even ordinary patterns
         * would fail. */
        unsigned long long n;
        if (cli_parse_number("--regex-match-limit", v, 1000, UINT32_MAX, &n,
                             err) != 0)
            return -1;
        cfg->regex_match_limit = n;
        return 0;
    }
    default: /* an option of the table without a case: a bug */
        cli_usage_set(err, "option %d is not handled", id);
        return -1;
    }
}

enum validate_args_result validate_args_parse(struct validate_config *cfg,
                                              int argc, char **argv,
                                              struct cli_usage *err)
{
    memset(cfg, 0, sizeof *cfg);
    err->text[0] = '\0';
    cfg->max_errors = VALIDATE_DEFAULT_MAX_ERRORS;
    /* each repeatable option appears at most argc times */
    cfg->refs = calloc((size_t)argc + 1, sizeof *cfg->refs);
    cfg->ref_dirs = calloc((size_t)argc + 1, sizeof *cfg->ref_dirs);
    cfg->ref_maps = calloc((size_t)argc + 1, sizeof *cfg->ref_maps);
    if (!cfg->refs || !cfg->ref_dirs || !cfg->ref_maps)
        return VALIDATE_ARGS_NOMEM;

    struct cli_parser p;
    if (cli_parser_init(&p, cli_validate_options, cli_validate_option_count,
                        argc, argv, false) != 0)
        return VALIDATE_ARGS_NOMEM; /* a table too large: cannot happen */
    int id;
    while ((id = cli_parser_next(&p)) != 0) {
        if (id < 0) {
            *err = p.error;
            return VALIDATE_ARGS_USAGE;
        }
        if (id == OPT_HELP)
            return VALIDATE_ARGS_HELP;
        int rc = apply_option(cfg, id, p.value, err);
        if (rc != 0)
            return rc == -2 ? VALIDATE_ARGS_NOMEM : VALIDATE_ARGS_USAGE;
    }
    if (!cfg->schema) {
        cli_usage_set(err, "missing the schema: -s SCHEMA");
        return VALIDATE_ARGS_USAGE;
    }
    cfg->files = cli_parser_operands(&p, &cfg->file_count);
    return VALIDATE_ARGS_OK;
}

void validate_args_free(struct validate_config *cfg)
{
    if (cfg->ref_maps)
        for (size_t i = 0; i < cfg->nref_maps; i++)
            free(cfg->ref_maps[i].prefix);
    free(cfg->refs);
    free(cfg->ref_dirs);
    free(cfg->ref_maps);
    memset(cfg, 0, sizeof *cfg);
}
