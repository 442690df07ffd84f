/* The public writer (write.h): options, sinks, framing of records, and
 * the error states. The JSON text itself comes from json_write.c.
 *
 * Framing per format:
 *   JSON         record "\n"; with NZ_WRITE_ARRAY "[" r1 "," r2 "]\n"
 *                (pretty: "[\n" + each record indented one level + "\n]\n";
 *                no records: "[]\n")
 *   NDJSON       compact record "\n"
 *   JSON_SEQ     0x1E record "\n" (RFC 7464)
 *
 * States: open -> finished (nz_writer_finish) or failed. A sink error
 * (NZ_EPIPE, NZ_EIO) is sticky: every later call returns it. A record that
 * fails for its content (not finite, too deep, bad UTF-8, no memory) is
 * taken back out of the buffer, and the writer stays usable, as long as
 * none of it reached the sink yet; if some did, the output is cut mid
 * record and every later call returns NZ_ESTATE.
 */
#include <stdint.h>
#include <string.h>

#include "core/alloc.h"
#include "core/diag_set.h"
#include "core/output.h"
#include "normalize/error.h"
#include "normalize/write.h"
#include "write/json_write.h"

#define OUTPUT_NAME "<output>"
#define ALL_FLAGS                                                          \
    (NZ_WRITE_SORT_KEYS | NZ_WRITE_ASCII | NZ_WRITE_CANONICAL |            \
     NZ_WRITE_ARRAY)
#define MAX_INDENT 16

enum writer_state { STATE_OPEN, STATE_FINISHED, STATE_CUT };

struct nz_writer {
    nz_output out;         /* must not move: the fd sink points into it */
    nz_write_fn sink_fn;   /* the real sink, behind count_and_forward()  */
    void *sink_ctx;
    uint64_t handed;       /* bytes handed to the sink so far            */
    nz_json_writer json;
    nz_format format;
    unsigned flags;
    int indent;            /* effective: 0 for NDJSON and CANONICAL      */
    uint64_t records;      /* records written                            */
    enum writer_state state;
};

void nz_write_options_init(nz_write_options *opts)
{
    if (!opts)
        return;
    memset(opts, 0, sizeof *opts);
    opts->format = NZ_FORMAT_JSON;
}

static int check_options(const nz_write_options *o, nz_diag *diag)
{
    if (o->format != NZ_FORMAT_JSON && o->format != NZ_FORMAT_NDJSON &&
        o->format != NZ_FORMAT_JSON_SEQ)
        return nz_diag_set(diag, NZ_EFORMAT, NULL, NULL,
                           "output format %d cannot be written (use json, "
                           "ndjson or json-seq)", (int)o->format);
    if (o->flags & ~(unsigned)ALL_FLAGS)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "unknown write flags 0x%x",
                           o->flags & ~(unsigned)ALL_FLAGS);
    if (o->indent < 0 || o->indent > MAX_INDENT)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "indent must be 0 to %d spaces, not %d",
                           MAX_INDENT, o->indent);
    if ((o->flags & NZ_WRITE_ARRAY) && o->format != NZ_FORMAT_JSON)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "NZ_WRITE_ARRAY needs the json format, not %s",
                           o->format == NZ_FORMAT_NDJSON ? "ndjson"
                                                         : "json-seq");
    return NZ_OK;
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
    w->flags = opts->flags;
    w->indent = opts->indent;
    if (w->format == NZ_FORMAT_NDJSON || (w->flags & NZ_WRITE_CANONICAL))
        w->indent = 0;
    nz_json_writer_init(&w->json, w->flags, w->indent);
    w->state = STATE_OPEN;
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
    if (w->state == STATE_CUT)
        return nz_diag_set(diag, NZ_ESTATE, OUTPUT_NAME, NULL,
                           "%s: the output was cut short by an earlier "
                           "failed record", call);
    if (w->state == STATE_FINISHED)
        return nz_diag_set(diag, NZ_ESTATE, OUTPUT_NAME, NULL,
                           "%s: the writer is already finished", call);
    return NZ_OK;
}

static void put_indent_line(nz_writer *w, int level)
{
    nz_output_putc(&w->out, '\n');
    for (int i = 0; i < w->indent * level; i++)
        nz_output_putc(&w->out, ' ');
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
    int level = 0;
    if (w->format == NZ_FORMAT_JSON_SEQ) {
        nz_output_putc(&w->out, '\x1E');
    } else if (w->flags & NZ_WRITE_ARRAY) {
        nz_output_putc(&w->out, w->records == 0 ? '[' : ',');
        if (w->indent)
            put_indent_line(w, 1);
        level = 1;
    }
    rc = nz_json_write(&w->json, &w->out, record, level, diag);
    if (rc == NZ_OK && !(w->flags & NZ_WRITE_ARRAY))
        nz_output_putc(&w->out, '\n');
    if (w->out.err)
        return sink_failed(w->out.err, diag);
    if (rc != NZ_OK) {
        if (w->handed == mark_handed) {
            w->out.len = mark_len; /* none of it left: take it back */
        } else {
            w->out.len = 0; /* drop the rest of the broken record */
            w->state = STATE_CUT;
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
    if (w->state == STATE_CUT)
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
    if (w->flags & NZ_WRITE_ARRAY) {
        if (w->records == 0) {
            nz_output_put(&w->out, "[]\n", 3);
        } else {
            if (w->indent)
                put_indent_line(w, 0);
            nz_output_put(&w->out, "]\n", 2);
        }
    }
    w->state = STATE_FINISHED;
    rc = nz_output_flush(&w->out);
    return rc ? sink_failed(rc, diag) : NZ_OK;
}

void nz_writer_close(nz_writer **w)
{
    if (!w || !*w)
        return;
    nz_json_writer_free(&(*w)->json);
    nz_output_free(&(*w)->out);
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
