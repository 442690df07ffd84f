/* Fuzz target for the XML reader and writer.
 *
 * Input layout: byte 0 picks the options (OPT_* bits), the rest is the
 * XML text. Every record read is located and written back as XML; what
 * the writer accepts must read back without error (the writer promises
 * one well-formed document), and the reader must never crash, leak or
 * print. abort() means a broken promise, never bad input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <normalize/normalize.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OPT_RECORD_PATH 0x01u  /* --xml-record /r/i                     */
#define OPT_ARRAY_PATH 0x02u   /* /r/i/a always an array                 */
#define OPT_STRIP_NS 0x04u     /* NZ_XML_STRIP_NAMESPACES                */
#define OPT_STRICT 0x08u       /* NZ_READ_STRICT                         */
#define OPT_KEEP_POS 0x10u     /* NZ_READ_KEEP_POSITIONS                 */
#define OPT_SMALL 0x20u        /* max_depth 8, record 512 B, entity 64 B */
#define OPT_INDENT 0x40u       /* the writer pretty-prints               */

#define MAX_RECORDS 1024

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_read_xml: %s%s%s\n", what, detail ? ": " : "",
            detail ? detail : "");
    abort();
}

typedef struct membuf {
    char *data;
    size_t len, cap;
} membuf;

static int membuf_write(const char *data, size_t size, void *ctx)
{
    membuf *m = ctx;
    if (m->len + size > m->cap) {
        size_t cap = m->cap ? m->cap : 4096;
        while (cap < m->len + size)
            cap *= 2;
        char *p = realloc(m->data, cap);
        if (!p)
            return NZ_ENOMEM;
        m->data = p;
        m->cap = cap;
    }
    memcpy(m->data + m->len, data, size);
    m->len += size;
    return 0;
}

/* UTF-8 without an encoding declaration: what the scanner counts. */
static int plain_utf8(const uint8_t *t, size_t n)
{
    if (n >= 2 && (t[0] == 0 || t[0] == 0xFE || t[0] == 0xFF || t[1] == 0))
        return 0;
    static const char enc[] = "encoding";
    for (size_t i = 0; i + sizeof enc - 1 <= n; i++)
        if (memcmp(t + i, enc, sizeof enc - 1) == 0)
            return 0;
    return 1;
}

/* Every error and warning of reading the input with o, as text: nodes
 * are placed lazily by default and eagerly with NZ_READ_KEEP_POSITIONS,
 * and both must give the same diagnostics at the same places. */
static void diag_trace(const uint8_t *t, size_t n, const nz_read_options *o,
                       membuf *out)
{
    nz_reader *r;
    nz_diag d;
    if (nz_reader_open_memory(&r, t, n, o, &d) != NZ_OK)
        fail("open failed", d.text);
    for (size_t i = 0; i < 2 * n + 16 && i < MAX_RECORDS; i++) {
        json_t *v;
        int rc = nz_reader_next(r, &v, &d);
        char line[128];
        if (rc == 0 || rc == NZ_ESTATE)
            break;
        if (rc < 0) {
            int k = snprintf(line, sizeof line, "E%d %llu:%llu\n", rc,
                             (unsigned long long)d.line,
                             (unsigned long long)d.column);
            membuf_write(line, (size_t)k, out);
            continue;
        }
        for (size_t w = 0; w < nz_reader_warning_count(r); w++) {
            const nz_diag *wd = nz_reader_warning(r, w);
            int k = snprintf(line, sizeof line, "W %llu:%llu\n",
                             (unsigned long long)wd->line,
                             (unsigned long long)wd->column);
            membuf_write(line, (size_t)k, out);
        }
        json_decref(v);
    }
    nz_reader_close(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned opt = data[0];
    nz_read_options o;
    nz_read_options_init(&o);
    o.format = NZ_FORMAT_XML;
    static const char *arrays[] = {"/r/i/a"};
    if (opt & OPT_RECORD_PATH)
        o.xml.record_path = "/r/i";
    if (opt & OPT_ARRAY_PATH) {
        o.xml.array_paths = arrays;
        o.xml.array_path_count = 1;
    }
    if (opt & OPT_STRIP_NS)
        o.xml.flags |= NZ_XML_STRIP_NAMESPACES;
    if (opt & OPT_STRICT)
        o.flags |= NZ_READ_STRICT;
    if (opt & OPT_KEEP_POS)
        o.flags |= NZ_READ_KEEP_POSITIONS;
    if (opt & OPT_SMALL) {
        o.max_depth = 8;
        o.max_record_bytes = 512;
        o.xml.max_entity_expansion = 64;
        o.xml.max_names = 24;
    }
    if (!(opt & OPT_KEEP_POS) && plain_utf8(data + 1, size - 1)) {
        membuf lazy = {NULL, 0, 0}, eager = {NULL, 0, 0};
        diag_trace(data + 1, size - 1, &o, &lazy);
        nz_read_options ke = o;
        ke.flags |= NZ_READ_KEEP_POSITIONS;
        diag_trace(data + 1, size - 1, &ke, &eager);
        if (lazy.len != eager.len ||
            (lazy.len && memcmp(lazy.data, eager.data, lazy.len) != 0))
            fail("lazy and eager positions differ", NULL);
        free(lazy.data);
        free(eager.data);
    }
    nz_reader *r;
    nz_diag d;
    if (nz_reader_open_memory(&r, data + 1, size - 1, &o, &d) != NZ_OK)
        fail("open failed", d.text);

    nz_write_options wo;
    nz_write_options_init(&wo);
    wo.format = NZ_FORMAT_XML;
    wo.indent = (opt & OPT_INDENT) ? 2 : 0;
    membuf out = {NULL, 0, 0};
    nz_writer *w;
    if (nz_writer_open_callback(&w, membuf_write, &out, &wo, &d) != NZ_OK)
        fail("writer open failed", d.text);

    size_t records = 0, written = 0;
    for (size_t i = 0; i < 2 * size + 16 && records < MAX_RECORDS; i++) {
        json_t *v;
        int rc = nz_reader_next(r, &v, &d);
        if (rc == 0 || rc == NZ_ESTATE)
            break;
        if (rc < 0) {
            if (d.code != rc)
                fail("diagnostic code differs from the return", d.text);
            continue;
        }
        records++;
        nz_position p;
        int lr = nz_reader_locate(r, "", &p);
        if ((opt & OPT_KEEP_POS) && lr != NZ_OK)
            fail("no position for the record", NULL);
        /* A record element always comes from the source text, so the
         * position scanner must have placed it - unless the input is in
         * another encoding, where it rightly stands aside. */
        if ((opt & OPT_KEEP_POS) && lr == NZ_OK && p.column == 0 &&
            plain_utf8(data + 1, size - 1))
            fail("the position scanner lost step with libxml2", NULL);
        for (size_t k = 0; k < nz_reader_warning_count(r); k++)
            if (nz_reader_warning(r, k)->code != NZ_ELOSSY)
                fail("a warning that is not NZ_ELOSSY", NULL);
        if (nz_writer_write(w, v, &d) == NZ_OK)
            written++;
        json_decref(v);
    }
    nz_reader_close(&r);
    if (nz_writer_finish(w, &d) != NZ_OK)
        fail("writer finish failed", d.text);
    nz_writer_close(&w);

    /* What the writer produced is one well-formed document. */
    nz_read_options back;
    nz_read_options_init(&back);
    back.format = NZ_FORMAT_XML;
    if (nz_reader_open_memory(&r, out.data, out.len, &back, &d) != NZ_OK)
        fail("reopen failed", d.text);
    json_t *v;
    int rc = nz_reader_next(r, &v, &d);
    if (rc != 1)
        fail("the writer's output does not read back", d.text);
    json_decref(v);
    if (nz_reader_next(r, &v, &d) != 0)
        fail("the writer's output holds more than one document", d.text);
    nz_reader_close(&r);
    free(out.data);
    (void)written;
    return 0;
}
