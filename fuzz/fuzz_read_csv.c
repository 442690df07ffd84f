/* Fuzz target for the CSV/TSV reader and writer.
 *
 * Input layout: byte 0 picks the options (OPT_* bits), the rest is the
 * text to read. Every record read is located (the record and each of its
 * fields), and all records go through the CSV writer (fill mode) and are
 * read back: with plain string values, without inference, a row of
 * strings must come back as it was written.
 *
 * abort() means a broken promise of the public API, never a reaction to
 * bad input (which must give an error code and a diagnostic).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <normalize/normalize.h>

#include "fuzz_equal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OPT_TSV 0x01u
#define OPT_NO_HEADER 0x02u
#define OPT_RAGGED 0x04u
#define OPT_INFER 0x08u
#define OPT_UNFLATTEN 0x10u
#define OPT_DUP_ERROR 0x20u
#define OPT_SMALL_RECORD 0x40u /* max_record_bytes = 64 */
#define OPT_SEMICOLON 0x80u

#define MAX_RECORDS 4096

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_read_csv: %s%s%s\n", what, detail ? ": " : "",
            detail ? detail : "");
    abort();
}

typedef struct membuf {
    char *data;
    size_t len;
    size_t cap;
} membuf;

static int membuf_write(const char *data, size_t size, void *ctx)
{
    membuf *m = ctx;
    if (size > m->cap - m->len) {
        size_t cap = m->cap ? m->cap : 4096;
        while (cap - m->len < size)
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

static void check_locate(nz_reader *r, json_t *rec)
{
    nz_position p;
    if (nz_reader_locate(r, "", &p) != NZ_OK || p.line == 0 || p.column == 0)
        fail("the record has no position", NULL);
    if (json_is_array(rec)) {
        char ptr[32];
        for (size_t i = 0; i < json_array_size(rec); i++) {
            snprintf(ptr, sizeof ptr, "/%zu", i);
            int rc = nz_reader_locate(r, ptr, &p);
            if (rc != NZ_OK && rc != NZ_ENOTFOUND)
                fail("locate failed", ptr);
        }
    }
}

/* Read all of text; keep the records in out (when not NULL). Returns the
 * number of records read. */
static size_t read_all(const char *text, size_t len,
                       const nz_read_options *ro, json_t *out)
{
    nz_reader *r;
    nz_diag d;
    if (nz_reader_open_memory(&r, text, len, ro, &d) != NZ_OK)
        fail("open failed", d.text);
    size_t n = 0;
    for (size_t i = 0; i < 2 * len + 16 && n < MAX_RECORDS; i++) {
        json_t *rec;
        nz_diag_clear(&d);
        int rc = nz_reader_next(r, &rec, &d);
        if (rc == 0 || rc == NZ_ESTATE)
            break;
        if (rc < 0) {
            if (d.code != rc || d.line == 0 || d.text[0] == '\0')
                fail("an error without a position or text", d.text);
            continue;
        }
        check_locate(r, rec);
        if (out)
            json_array_append(out, rec);
        json_decref(rec);
        n++;
    }
    nz_reader_close(&r);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned sel = data[0];
    const char *text = (const char *)data + 1;
    size--;

    nz_read_options ro;
    nz_read_options_init(&ro);
    ro.format = sel & OPT_TSV ? NZ_FORMAT_TSV : NZ_FORMAT_CSV;
    if (sel & OPT_SEMICOLON)
        ro.csv.delimiter = ';';
    ro.csv.flags = (sel & OPT_NO_HEADER ? NZ_CSV_NO_HEADER : 0) |
                   (sel & OPT_RAGGED ? NZ_CSV_ALLOW_RAGGED : 0) |
                   (sel & OPT_INFER ? NZ_CSV_INFER : 0) |
                   (sel & OPT_UNFLATTEN ? NZ_CSV_UNFLATTEN : 0) |
                   (sel & OPT_DUP_ERROR ? NZ_CSV_DUPLICATE_HEADER_ERROR : 0);
    if (sel & OPT_SMALL_RECORD)
        ro.max_record_bytes = 64;
    json_t *records = json_array();
    read_all(text, size, &ro, records);

    /* Write them all (fill mode, so every record fits the header) and
     * read them back. */
    nz_write_options wo;
    nz_write_options_init(&wo);
    wo.format = ro.format;
    wo.csv.delimiter = ro.csv.delimiter;
    wo.csv.flags = NZ_CSV_FILL;
    membuf m = {NULL, 0, 0};
    nz_writer *w;
    nz_diag d;
    if (nz_writer_open_callback(&w, membuf_write, &m, &wo, &d) != NZ_OK)
        fail("writer open failed", d.text);
    size_t written = 0;
    for (size_t i = 0; i < json_array_size(records); i++) {
        int rc = nz_writer_write(w, json_array_get(records, i), &d);
        if (rc == NZ_OK)
            written++;
        else if (rc != NZ_EUNREPRESENTABLE)
            fail("write failed", d.text);
    }
    if (nz_writer_finish(w, &d) != NZ_OK)
        fail("finish failed", d.text);
    nz_writer_close(&w);

    /* Plain strings, one header: a simple table must come back whole. */
    bool plain = !(ro.csv.flags & (NZ_CSV_INFER | NZ_CSV_UNFLATTEN |
                                   NZ_CSV_ALLOW_RAGGED | NZ_CSV_NO_HEADER)) &&
                 written == json_array_size(records);
    nz_read_options back = ro;
    back.max_record_bytes = 0;
    json_t *again = json_array();
    read_all(m.data ? m.data : "", m.len, &back, again);
    if (plain && written > 0 && !fuzz_same_tree(records, again)) {
        char *a = json_dumps(records, JSON_COMPACT);
        char *b = json_dumps(again, JSON_COMPACT);
        fprintf(stderr, "wrote %s\nread back %s\n", a, b);
        fail("CSV round trip changed the records", NULL);
    }
    json_decref(again);
    json_decref(records);
    free(m.data);
    return 0;
}
