/* Framing JSON records for output:
 *   JSON         record "\n"; with NZ_WRITE_ARRAY "[" r1 "," r2 "]\n"
 *                (pretty: "[\n" + each record indented one level + "\n]\n";
 *                no records: "[]\n")
 *   NDJSON       compact record "\n"
 *   JSON_SEQ     0x1E record "\n" (RFC 7464)
 * The JSON text of each record comes from json_write.c. */
#include "core/alloc.h"
#include "core/diag_set.h"
#include "normalize/error.h"
#include "write/json_write.h"
#include "write/writer_impl.h"

#define ALL_FLAGS                                                          \
    (NZ_WRITE_SORT_KEYS | NZ_WRITE_ASCII | NZ_WRITE_CANONICAL |            \
     NZ_WRITE_ARRAY)

typedef struct json_records {
    nz_json_writer json;
    unsigned flags;
    int indent; /* effective: 0 for NDJSON and CANONICAL */
} json_records;

static int json_check(const nz_write_options *o, nz_diag *diag)
{
    if (o->flags & ~(unsigned)ALL_FLAGS)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "unknown write flags 0x%x",
                           o->flags & ~(unsigned)ALL_FLAGS);
    if (o->indent < 0 || o->indent > NZ_WRITE_MAX_INDENT)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "indent must be 0 to %d spaces, not %d",
                           NZ_WRITE_MAX_INDENT, o->indent);
    if ((o->flags & NZ_WRITE_ARRAY) && o->format != NZ_FORMAT_JSON)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "NZ_WRITE_ARRAY needs the json format, not %s",
                           nz_format_name(o->format));
    return NZ_OK;
}

static int json_open(nz_writer *w, const nz_write_options *o, nz_diag *diag)
{
    json_records *s = nz_zalloc(sizeof *s);
    if (!s)
        return nz_diag_set(diag, NZ_ENOMEM, NULL, NULL,
                           "out of memory opening a writer");
    s->flags = o->flags;
    s->indent = o->indent;
    if (o->format == NZ_FORMAT_NDJSON || (o->flags & NZ_WRITE_CANONICAL))
        s->indent = 0;
    nz_json_writer_init(&s->json, s->flags, s->indent);
    w->state = s;
    return NZ_OK;
}

static void put_indent_line(nz_output *out, int indent, int level)
{
    nz_output_putc(out, '\n');
    for (int i = 0; i < indent * level; i++)
        nz_output_putc(out, ' ');
}

static int json_write(nz_writer *w, const json_t *record, nz_diag *diag)
{
    json_records *s = w->state;
    int level = 0;
    if (w->format == NZ_FORMAT_JSON_SEQ) {
        nz_output_putc(&w->out, '\x1E');
    } else if (s->flags & NZ_WRITE_ARRAY) {
        nz_output_putc(&w->out, w->records == 0 ? '[' : ',');
        if (s->indent)
            put_indent_line(&w->out, s->indent, 1);
        level = 1;
    }
    int rc = nz_json_write(&s->json, &w->out, record, level, diag);
    if (rc == NZ_OK && !(s->flags & NZ_WRITE_ARRAY))
        nz_output_putc(&w->out, '\n');
    return rc;
}

static int json_finish(nz_writer *w, nz_diag *diag)
{
    (void)diag;
    json_records *s = w->state;
    if (s->flags & NZ_WRITE_ARRAY) {
        if (w->records == 0) {
            nz_output_put(&w->out, "[]\n", 3);
        } else {
            if (s->indent)
                put_indent_line(&w->out, s->indent, 0);
            nz_output_put(&w->out, "]\n", 2);
        }
    }
    return NZ_OK;
}

static void json_close(nz_writer *w)
{
    json_records *s = w->state;
    if (s) {
        nz_json_writer_free(&s->json);
        nz_free(s);
    }
    w->state = NULL;
}

const nz_writer_ops nz_json_writer_ops = {
    json_check, json_open, json_write, json_finish, json_close,
};
