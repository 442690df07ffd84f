/* The generic reader: options, input, and dispatch to a format. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/diag_set.h"
#include "normalize/error.h"
#include "normalize/write.h"
#include "read/reader_impl.h"

void nz_read_options_init(nz_read_options *opts)
{
    if (!opts)
        return;
    memset(opts, 0, sizeof *opts);
    opts->format = NZ_FORMAT_AUTO;
    opts->max_depth = NZ_READ_DEFAULT_MAX_DEPTH;
    opts->max_record_bytes = NZ_READ_DEFAULT_MAX_RECORD_BYTES;
}

static const nz_reader_ops *ops_for(nz_format format)
{
    switch (format) {
    case NZ_FORMAT_JSON:
    case NZ_FORMAT_NDJSON:
    case NZ_FORMAT_JSON_SEQ:
        return &nz_json_reader_ops;
    case NZ_FORMAT_CSV:
    case NZ_FORMAT_TSV:
        return &nz_csv_reader_ops;
    case NZ_FORMAT_XML:
        return &nz_xml_reader_ops;
    case NZ_FORMAT_YAML:
        return &nz_yaml_reader_ops;
    default:
        return NULL;
    }
}

#define KNOWN_READ_FLAGS                                                  \
    (NZ_READ_DUPLICATE_KEYS_LAST | NZ_READ_SINGLE_VALUE |                  \
     NZ_READ_KEEP_POSITIONS | NZ_READ_STRICT)

/* Everything the three open functions share once the input is set up. */
static int open_reader(nz_reader **out, nz_input *in, const char *default_name,
                       const nz_read_options *opts, nz_diag *diag)
{
    nz_read_options o;
    if (opts)
        o = *opts;
    else
        nz_read_options_init(&o);
    const char *name = o.source_name ? o.source_name : default_name;
    if (o.flags & ~(unsigned)KNOWN_READ_FLAGS)
        return nz_diag_set(diag, NZ_EINVAL, name, NULL,
                           "unknown reader option flags 0x%x",
                           o.flags & ~(unsigned)KNOWN_READ_FLAGS);
    if (o.format == NZ_FORMAT_AUTO) {
        o.format = nz_format_from_path(o.source_name);
        if (o.format == NZ_FORMAT_AUTO)
            o.format = NZ_FORMAT_JSON;
    }
    const nz_reader_ops *ops = ops_for(o.format);
    if (!ops)
        return nz_diag_set(diag, NZ_EFORMAT, name, NULL,
                           "input format %s cannot be read",
                           nz_format_name(o.format) ? nz_format_name(o.format)
                                                    : "(unknown)");
    if (o.max_depth == 0)
        o.max_depth = NZ_READ_DEFAULT_MAX_DEPTH;
    if (o.max_depth > NZ_READ_JSON_DEPTH_LIMIT)
        o.max_depth = NZ_READ_JSON_DEPTH_LIMIT; /* jansson's own ceiling */
    if (o.max_record_bytes == 0)
        o.max_record_bytes = NZ_READ_DEFAULT_MAX_RECORD_BYTES;
    o.source_name = NULL; /* ours is r->source; the caller's may go away */

    nz_reader *r = nz_zalloc(sizeof *r);
    char *source = nz_strdup(name);
    if (!r || !source) {
        nz_free(r);
        nz_free(source);
        return nz_diag_set(diag, NZ_ENOMEM, name, NULL, "out of memory");
    }
    r->ops = ops;
    r->opts = o;
    r->source = source;
    r->in = *in;
    int rc = ops->open(r, diag);
    if (rc < 0) {
        nz_reader_close(&r);
        return rc;
    }
    *out = r;
    return NZ_OK;
}

int nz_reader_open_fd(nz_reader **out, int fd, const nz_read_options *opts,
                      nz_diag *diag)
{
    if (!out)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL, "out is NULL");
    *out = NULL;
    if (fd < 0)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "invalid file descriptor %d", fd);
    nz_input in;
    nz_input_init_fd(&in, fd);
    return open_reader(out, &in, fd == 0 ? "<stdin>" : "<input>", opts, diag);
}

int nz_reader_open_file(nz_reader **out, FILE *fp, const nz_read_options *opts,
                        nz_diag *diag)
{
    if (!out)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL, "out is NULL");
    *out = NULL;
    if (!fp)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL, "stream is NULL");
    nz_input in;
    nz_input_init_file(&in, fp);
    return open_reader(out, &in, fp == stdin ? "<stdin>" : "<input>", opts,
                       diag);
}

int nz_reader_open_memory(nz_reader **out, const void *data, size_t size,
                          const nz_read_options *opts, nz_diag *diag)
{
    if (!out)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL, "out is NULL");
    *out = NULL;
    if (!data && size > 0)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "data is NULL but size is %zu", size);
    nz_input in;
    nz_input_init_memory(&in, data ? data : "", size);
    return open_reader(out, &in, "<memory>", opts, diag);
}

int nz_reader_next(nz_reader *r, json_t **out, nz_diag *diag)
{
    if (out)
        *out = NULL;
    if (!r || !out)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "reader or out is NULL");
    r->warning_count = 0;
    return r->ops->next(r, out, diag);
}

int nz_reader_expect_end(nz_reader *r, nz_diag *diag)
{
    json_t *extra = NULL;
    int rc = nz_reader_next(r, &extra, diag);
    json_decref(extra);
    if (rc <= 0)
        return rc;
    nz_position at;
    bool known = nz_reader_locate(r, "", &at) == NZ_OK;
    return nz_diag_set(diag, NZ_ESYNTAX, r->source, known ? &at : NULL,
                       "more than one record: the input must hold one");
}

int nz_reader_lossy(nz_reader *r, nz_diag *diag, const nz_position *pos,
                    const char *path, const char *fmt, ...)
{
    char text[NZ_DIAG_TEXT_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    bool strict = (r->opts.flags & NZ_READ_STRICT) != 0;
    if (!strict && r->warning_count == r->warning_cap) {
        size_t cap = r->warning_cap ? 2 * r->warning_cap : 4;
        nz_diag *grown = nz_realloc(r->warnings, cap * sizeof *grown);
        if (!grown)
            return nz_diag_set(diag, NZ_ENOMEM, r->source, pos,
                               "out of memory");
        r->warnings = grown;
        r->warning_cap = cap;
    }
    nz_diag *d = strict ? diag : &r->warnings[r->warning_count++];
    nz_diag_set(d, NZ_ELOSSY, r->source, pos, "%s", text);
    nz_diag_set_path(d, path);
    if (strict)
        return NZ_ELOSSY;
    d->severity = NZ_SEVERITY_WARNING;
    return 0;
}

size_t nz_reader_warning_count(const nz_reader *r)
{
    return r ? r->warning_count : 0;
}

const nz_diag *nz_reader_warning(const nz_reader *r, size_t i)
{
    return r && i < r->warning_count ? &r->warnings[i] : NULL;
}

int nz_reader_locate(const nz_reader *r, const char *pointer, nz_position *out)
{
    if (!r || !pointer || !out)
        return NZ_EINVAL;
    return r->ops->locate(r, pointer, out);
}

const char *nz_reader_source_name(const nz_reader *r)
{
    return r ? r->source : NULL;
}

void nz_reader_close(nz_reader **rp)
{
    if (!rp || !*rp)
        return;
    nz_reader *r = *rp;
    if (r->ops && r->ops->close)
        r->ops->close(r);
    nz_input_free(&r->in);
    nz_free(r->warnings);
    nz_free(r->source);
    nz_free(r);
    *rp = NULL;
}
