/* The public writer (write.h): options, sinks, and the error states; the
 * formats (writer_impl.h) append each record to the buffer.
 *
 * States: open -> finished (nz_writer_finish) or failed. A sink error
 * (NZ_EPIPE, NZ_EIO) is sticky: every later call returns it. A record that
 * fails for its content (not finite, too deep, bad UTF-8, no memory) is
 * taken back out of the buffer, and the writer stays usable, as long as
 * none of it reached the sink yet; if some did, the output is cut mid
 * record and every later call returns NZ_ESTATE.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/diag_set.h"
#include "core/output.h"
#include "normalize/error.h"
#include "normalize/write.h"
#include "write/json_write.h"
#include "write/writer_impl.h"

#define OUTPUT_NAME "<output>"

static const nz_writer_ops *ops_for(nz_format format)
{
    switch (format) {
    case NZ_FORMAT_JSON:
    case NZ_FORMAT_NDJSON:
    case NZ_FORMAT_JSON_SEQ:
        return &nz_json_writer_ops;
    case NZ_FORMAT_CSV:
    case NZ_FORMAT_TSV:
        return &nz_csv_writer_ops;
    case NZ_FORMAT_XML:
        return &nz_xml_writer_ops;
    case NZ_FORMAT_YAML:
        return &nz_yaml_writer_ops;
    default:
        return NULL;
    }
}

void nz_write_options_init(nz_write_options *opts)
{
    if (!opts)
        return;
    memset(opts, 0, sizeof *opts);
    opts->format = NZ_FORMAT_JSON;
}

static int check_options(const nz_write_options *o, nz_diag *diag)
{
    const nz_writer_ops *ops = ops_for(o->format);
    if (!ops) {
        const char *name = nz_format_name(o->format);
        return nz_diag_set(diag, NZ_EFORMAT, NULL, NULL,
                           "output format %s cannot be written",
                           name ? name : "(unknown)");
    }
    return ops->check(o, diag);
}

/* Every buffer goes through here, so the writer knows whether part of a
 * failed record already left (and so cannot be taken back). */
static int count_and_forward(const char *data, size_t size, void *ctx)
{
    nz_writer *w = ctx;
    w->handed += size;
    return w->sink_fn(data, size, w->sink_ctx);
}

enum sink_kind { SINK_FD, SINK_FILE, SINK_CALLBACK };

static int open_writer(nz_writer **out, enum sink_kind kind, int fd,
                       FILE *fp, nz_write_fn fn, void *ctx,
                       const nz_write_options *opts, nz_diag *diag)
{
    if (!out)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "no place to store the writer (out is NULL)");
    *out = NULL;
    nz_write_options defaults;
    if (!opts) {
        nz_write_options_init(&defaults);
        opts = &defaults;
    }
    int rc = check_options(opts, diag);
    if (rc != NZ_OK)
        return rc;
    if (kind == SINK_FD && fd < 0)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "invalid file descriptor %d", fd);
    if (kind == SINK_FILE && !fp)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "no stream to write to (FILE is NULL)");
    if (kind == SINK_CALLBACK && !fn)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "no callback to write to (fn is NULL)");

    nz_writer *w = nz_zalloc(sizeof *w);
    if (!w)
        return nz_diag_set(diag, NZ_ENOMEM, NULL, NULL,
                           "out of memory opening a writer");
    if (kind == SINK_FD)
        rc = nz_output_init_fd(&w->out, fd);
    else if (kind == SINK_FILE)
        rc = nz_output_init_file(&w->out, fp);
    else
        rc = nz_output_init_callback(&w->out, fn, ctx);
    if (rc != 0) {
        nz_free(w);
        return nz_diag_set(diag, NZ_ENOMEM, NULL, NULL,
                           "out of memory opening a writer");
    }
    w->sink_fn = w->out.fn;
    w->sink_ctx = w->out.ctx;
    w->out.fn = count_and_forward;
    w->out.ctx = w;

    w->format = opts->format;
    w->ops = ops_for(opts->format);
    w->phase = NZ_WRITER_OPEN;
    rc = w->ops->open(w, opts, diag);
    if (rc != NZ_OK) {
        nz_writer_close(&w);
        return rc;
    }
    *out = w;
    return NZ_OK;
}

int nz_writer_open_fd(nz_writer **out, int fd, const nz_write_options *opts,
                      nz_diag *diag)
{
    return open_writer(out, SINK_FD, fd, NULL, NULL, NULL, opts, diag);
}

int nz_writer_open_file(nz_writer **out, FILE *fp,
                        const nz_write_options *opts, nz_diag *diag)
{
    return open_writer(out, SINK_FILE, 0, fp, NULL, NULL, opts, diag);
}

int nz_writer_open_callback(nz_writer **out, nz_write_fn fn, void *ctx,
                            const nz_write_options *opts, nz_diag *diag)
{
    return open_writer(out, SINK_CALLBACK, 0, NULL, fn, ctx, opts, diag);
}

static int sink_failed(int code, nz_diag *diag)
{
    return nz_diag_set(diag, code, OUTPUT_NAME, NULL,
                       "cannot write the output: %s", nz_strerror(code));
}

/* The error every call returns once the writer failed or finished, or
 * NZ_OK while it is usable. */
static int check_usable(const nz_writer *w, const char *call, nz_diag *diag)
{
    if (w->out.err)
        return sink_failed(w->out.err, diag);
    if (w->phase == NZ_WRITER_CUT)
        return nz_diag_set(diag, NZ_ESTATE, OUTPUT_NAME, NULL,
                           "%s: the output was cut short by an earlier "
                           "failed record", call);
    if (w->phase == NZ_WRITER_FINISHED)
        return nz_diag_set(diag, NZ_ESTATE, OUTPUT_NAME, NULL,
                           "%s: the writer is already finished", call);
    return NZ_OK;
}

int nz_writer_write(nz_writer *w, const json_t *record, nz_diag *diag)
{
    if (!w || !record)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "nz_writer_write: %s is NULL",
                           w ? "record" : "writer");
    int rc = check_usable(w, "nz_writer_write", diag);
    if (rc != NZ_OK)
        return rc;

    size_t mark_len = w->out.len;
    uint64_t mark_handed = w->handed;
    w->warning_count = 0;
    rc = w->ops->write(w, record, diag);
    if (w->out.err)
        return sink_failed(w->out.err, diag);
    if (rc != NZ_OK) {
        if (w->handed == mark_handed) {
            w->out.len = mark_len; /* none of it left: take it back */
        } else {
            w->out.len = 0; /* drop the rest of the broken record */
            w->phase = NZ_WRITER_CUT;
        }
        return rc;
    }
    w->records++;
    return NZ_OK;
}

int nz_writer_flush(nz_writer *w, nz_diag *diag)
{
    if (!w)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "nz_writer_flush: writer is NULL");
    if (w->out.err)
        return sink_failed(w->out.err, diag);
    if (w->phase == NZ_WRITER_CUT)
        return check_usable(w, "nz_writer_flush", diag);
    int rc = nz_output_flush(&w->out);
    return rc ? sink_failed(rc, diag) : NZ_OK;
}

int nz_writer_finish(nz_writer *w, nz_diag *diag)
{
    if (!w)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "nz_writer_finish: writer is NULL");
    int rc = check_usable(w, "nz_writer_finish", diag);
    if (rc != NZ_OK)
        return rc;
    if (w->ops->finish) {
        rc = w->ops->finish(w, diag);
        if (w->out.err)
            return sink_failed(w->out.err, diag);
        if (rc != NZ_OK)
            return rc;
    }
    w->phase = NZ_WRITER_FINISHED;
    rc = nz_output_flush(&w->out);
    return rc ? sink_failed(rc, diag) : NZ_OK;
}

int nz_writer_warn(nz_writer *w, const char *path, const char *fmt, ...)
{
    if (w->warning_count == w->warning_cap) {
        size_t cap = w->warning_cap ? 2 * w->warning_cap : 4;
        nz_diag *grown = nz_realloc(w->warnings, cap * sizeof *grown);
        if (!grown)
            return NZ_ENOMEM;
        w->warnings = grown;
        w->warning_cap = cap;
    }
    char text[NZ_DIAG_TEXT_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    nz_diag *d = &w->warnings[w->warning_count++];
    nz_diag_set(d, NZ_ELOSSY, OUTPUT_NAME, NULL, "%s", text);
    nz_diag_set_path(d, path);
    d->severity = NZ_SEVERITY_WARNING;
    return 0;
}

size_t nz_writer_warning_count(const nz_writer *w)
{
    return w ? w->warning_count : 0;
}

const nz_diag *nz_writer_warning(const nz_writer *w, size_t i)
{
    return w && i < w->warning_count ? &w->warnings[i] : NULL;
}

void nz_writer_close(nz_writer **w)
{
    if (!w || !*w)
        return;
    if ((*w)->ops && (*w)->ops->close)
        (*w)->ops->close(*w);
    nz_output_free(&(*w)->out);
    nz_free((*w)->warnings);
    nz_free(*w);
    *w = NULL;
}

/* ---- nz_write_string -------------------------------------------------- */

/* Growing memory sink for values larger than the output buffer. */
typedef struct memory_sink {
    char *data;
    size_t len;
    size_t cap;
} memory_sink;

static int append_memory(const char *data, size_t size, void *ctx)
{
    memory_sink *m = ctx;
    if (size > m->cap - m->len) {
        size_t cap = m->cap ? m->cap : 4096;
        while (cap - m->len < size) {
            if (cap > SIZE_MAX / 2)
                return NZ_ENOMEM;
            cap *= 2;
        }
        char *p = nz_realloc(m->data, cap);
        if (!p)
            return NZ_ENOMEM;
        m->data = p;
        m->cap = cap;
    }
    memcpy(m->data + m->len, data, size);
    m->len += size;
    return 0;
}

int nz_write_string(const json_t *value, const nz_write_options *opts,
                    char **out, size_t *size)
{
    if (size)
        *size = 0;
    if (!out)
        return NZ_EINVAL;
    *out = NULL;
    if (!value)
        return NZ_EINVAL;
    nz_write_options defaults;
    if (!opts) {
        nz_write_options_init(&defaults);
        opts = &defaults;
    }
    int rc = check_options(opts, NULL);
    if (rc != NZ_OK)
        return rc;
    if (opts->format != NZ_FORMAT_JSON)
        return NZ_EFORMAT; /* one value has no NDJSON or RS framing */
    if (opts->flags & NZ_WRITE_ARRAY)
        return NZ_EINVAL; /* an array of one value is the caller's call */

    memory_sink mem = {NULL, 0, 0};
    nz_output output;
    if (nz_output_init_callback(&output, append_memory, &mem) != 0)
        return NZ_ENOMEM;
    nz_json_writer jw;
    nz_json_writer_init(&jw, opts->flags, opts->indent);
    rc = nz_json_write(&jw, &output, value, 0, NULL);
    nz_json_writer_free(&jw);
    if (rc == NZ_OK && mem.len == 0) {
        /* Fitted in the buffer (the usual case): hand the buffer over. */
        char *text = nz_realloc(output.buf, output.len + 1);
        if (text) {
            text[output.len] = '\0';
            *out = text;
            if (size)
                *size = output.len;
            return NZ_OK;
        }
        rc = NZ_ENOMEM; /* output.buf is still ours to free */
    }
    if (rc == NZ_OK)
        rc = nz_output_flush(&output);
    if (rc == NZ_OK)
        rc = append_memory("", 1, &mem);
    nz_output_free(&output);
    if (rc != NZ_OK) {
        nz_free(mem.data);
        return rc;
    }
    *out = mem.data;
    if (size)
        *size = mem.len - 1;
    return NZ_OK;
}
