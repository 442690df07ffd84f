/* Fuzz target for the JSON readers and writers.
 *
 * Input layout: byte 0 picks the options (see the OPT_* bits), the rest is
 * the text to read. Every record read is located, serialised (compact or
 * pretty, and canonical) and checked for the round trip; all records are
 * also streamed through a writer in a second format and read back.
 *
 * abort() here means a broken promise of the public API — a crash signal
 * for the fuzzer, never a reaction to bad input (bad input is expected and
 * must simply produce an error code and a diagnostic).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <normalize/normalize.h>

#include "fuzz_equal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Byte 0. */
#define OPT_FORMAT_MASK 0x03u   /* 0 json, 1 ndjson, 2 json-seq, 3 single */
#define OPT_DUP_LAST 0x04u      /* duplicate keys: last wins              */
#define OPT_SMALL_DEPTH 0x08u   /* max_depth = 5                          */
#define OPT_SMALL_RECORD 0x10u  /* max_record_bytes = 100                 */
#define OPT_KEEP_POS 0x20u      /* NZ_READ_KEEP_POSITIONS                 */
#define OPT_WRITE_SHIFT 6       /* bits 6-7: writer variant, see below    */

/* Far more than any input of this size can legitimately produce: each
 * record or error consumes at least one byte. */
#define MAX_ITERATIONS(size) (2 * (size) + 16)
#define MAX_RECORDS 4096

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_read_json: %s%s%s\n", what, detail ? ": " : "",
            detail ? detail : "");
    abort();
}

/* A memory sink for the streaming writer. */
typedef struct membuf {
    char *data;
    size_t len;
    size_t cap;
} membuf;

static int membuf_write(const char *data, size_t size, void *ctx)
{
    membuf *m = ctx;
    if (size > SIZE_MAX / 2 - m->len)
        return NZ_ENOMEM;
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

/* jansson cannot load object keys holding NUL, so records with such keys
 * cannot be compared through json_loadb(). */
static int has_nul_key(json_t *v)
{
    if (json_is_object(v)) {
        const char *key;
        size_t key_len;
        json_t *member;
        json_object_keylen_foreach(v, key, key_len, member) {
            if (memchr(key, '\0', key_len) || has_nul_key(member))
                return 1;
        }
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            if (has_nul_key(json_array_get(v, i)))
                return 1;
    }
    return 0;
}

/* RFC 6901: "~" -> "~0", "/" -> "~1". Returns 0 when it does not fit. */
static int pointer_append(char *buf, size_t cap, const char *token, size_t n)
{
    size_t len = strlen(buf);
    if (len + 1 >= cap)
        return 0;
    buf[len++] = '/';
    for (size_t i = 0; i < n; i++) {
        const char *esc = token[i] == '~' ? "~0" : token[i] == '/' ? "~1"
                                                                   : NULL;
        size_t need = esc ? 2 : 1;
        if (len + need >= cap)
            return 0;
        if (esc) {
            memcpy(buf + len, esc, 2);
        } else {
            buf[len] = token[i];
        }
        len += need;
    }
    buf[len] = '\0';
    return 1;
}

static void expect_found(const nz_reader *r, const char *pointer)
{
    nz_position pos;
    int rc = nz_reader_locate(r, pointer, &pos);
    if (rc != NZ_OK)
        fail("nz_reader_locate misses a node of the current record",
             pointer);
    if (pos.line == 0 || pos.column == 0)
        fail("nz_reader_locate gave no line/column", pointer);
}

/* The record itself and its first and last children must be locatable. */
static void check_locate(const nz_reader *r, json_t *rec)
{
    char ptr[512];
    nz_position pos;

    expect_found(r, "");
    if (json_is_object(rec) && json_object_size(rec) > 0) {
        void *it = json_object_iter(rec);
        const char *key = json_object_iter_key(it);
        size_t key_len = json_object_iter_key_len(it);
        ptr[0] = '\0';
        if (!memchr(key, '\0', key_len) &&
            pointer_append(ptr, sizeof ptr, key, key_len))
            expect_found(r, ptr);
    } else if (json_is_array(rec) && json_array_size(rec) > 0) {
        expect_found(r, "/0");
        snprintf(ptr, sizeof ptr, "/%zu", json_array_size(rec) - 1);
        expect_found(r, ptr);
        snprintf(ptr, sizeof ptr, "/%zu", json_array_size(rec));
        if (nz_reader_locate(r, ptr, &pos) == NZ_OK)
            fail("nz_reader_locate found an element past the end", ptr);
    }
    /* Not pointers: must be refused, not crash. */
    (void)nz_reader_locate(r, "no-leading-slash", &pos);
    (void)nz_reader_locate(r, "/~2/x", &pos);
}

/* Serialise with opts; the text must load back to an equal value. */
static void check_round_trip(const json_t *rec, const nz_write_options *opts,
                             int check_equal)
{
    char *text = NULL;
    size_t len = 0;
    int rc = nz_write_string(rec, opts, &text, &len);
    if (rc == NZ_ENOMEM)
        return;
    if (rc != NZ_OK)
        fail("nz_write_string failed on a record the reader produced",
             nz_err_name(rc));
    /* NUL is always escaped, so the text is one C string of length len. */
    if (strlen(text) != len)
        fail("nz_write_string size does not match the text", NULL);
    if (check_equal) {
        json_error_t err;
        json_t *back = json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL,
                                  &err);
        if (!back) {
            fprintf(stderr, "text: %.*s\n", (int)(len > 2000 ? 2000 : len),
                    text);
            fail("writer output does not parse", err.text);
        }
        if (!fuzz_same_tree(back, rec)) {
            fprintf(stderr, "text: %.*s\n", (int)(len > 2000 ? 2000 : len),
                    text);
            fail("writer output parses to a different value", NULL);
        }
        json_decref(back);
    }
    nz_free(text);
}

/* RFC 8785 output is a fixed point: canonicalising the parsed canonical
 * text gives the same bytes again. (It need not equal the record: JCS
 * prints numbers as ECMAScript doubles.) */
static void check_canonical(const json_t *rec)
{
    nz_write_options o;
    nz_write_options_init(&o);
    o.flags = NZ_WRITE_CANONICAL;
    char *first = NULL, *second = NULL;
    size_t n1 = 0, n2 = 0;
    int rc = nz_write_string(rec, &o, &first, &n1);
    if (rc == NZ_ENOMEM)
        return;
    if (rc != NZ_OK)
        fail("canonical nz_write_string failed", nz_err_name(rc));
    json_error_t err;
    json_t *back = json_loadb(first, n1, JSON_DECODE_ANY | JSON_ALLOW_NUL,
                              &err);
    if (!back) {
        /* JCS prints every number as an ECMAScript double: 2^63 - 1, or
         * the real 4.9e19, comes out as an integer literal beyond int64
         * (9223372036854776000), which no int64 JSON parser loads. */
        if (json_error_code(&err) == json_error_numeric_overflow) {
            nz_free(first);
            return;
        }
        fprintf(stderr, "text: %.*s\n", (int)(n1 > 2000 ? 2000 : n1), first);
        fail("canonical output does not parse", err.text);
    }
    rc = nz_write_string(back, &o, &second, &n2);
    if (rc != NZ_OK && rc != NZ_ENOMEM)
        fail("canonical nz_write_string failed on its own output",
             nz_err_name(rc));
    if (rc == NZ_OK && (n1 != n2 || memcmp(first, second, n1) != 0)) {
        fprintf(stderr, "first:  %.*s\nsecond: %.*s\n", (int)n1, first,
                (int)n2, second);
        fail("canonical output is not a fixed point", NULL);
    }
    json_decref(back);
    nz_free(first);
    nz_free(second);
}

static void check_diag(int rc, const nz_diag *d)
{
    char line[2048];
    if (!nz_err_name(rc))
        fail("reader returned a code that is not an NZ_E* code", NULL);
    if (d->code == NZ_OK)
        fail("reader failed without filling the diagnostic", nz_err_name(rc));
    int n = nz_diag_format(d, line, sizeof line);
    if (n < 0 || memchr(line, '\0', sizeof line) == NULL)
        fail("nz_diag_format failed", nz_err_name(rc));
}

/* Stream all records through a writer in another format, read the output
 * back and compare record by record. */
static void check_stream(json_t **recs, size_t n, unsigned variant)
{
    static const nz_format out_format[4] = {NZ_FORMAT_NDJSON, NZ_FORMAT_JSON,
                                            NZ_FORMAT_JSON_SEQ,
                                            NZ_FORMAT_JSON};
    nz_write_options wo;
    nz_write_options_init(&wo);
    wo.format = out_format[variant];
    if (variant == 1)
        wo.flags |= NZ_WRITE_ARRAY | NZ_WRITE_SORT_KEYS;
    if (variant == 2)
        wo.flags |= NZ_WRITE_ASCII;
    if (variant == 3 || variant == 2)
        wo.indent = 2;

    membuf out = {0};
    nz_writer *w = NULL;
    nz_diag d = {0};
    int rc = nz_writer_open_callback(&w, membuf_write, &out, &wo, &d);
    if (rc != NZ_OK)
        fail("nz_writer_open_callback failed", nz_err_name(rc));
    for (size_t i = 0; i < n && rc == NZ_OK; i++)
        rc = nz_writer_write(w, recs[i], &d);
    if (rc == NZ_OK)
        rc = nz_writer_finish(w, &d);
    nz_writer_close(&w);
    if (w != NULL)
        fail("nz_writer_close did not reset the handle", NULL);
    if (rc == NZ_ENOMEM) {
        free(out.data);
        return;
    }
    if (rc != NZ_OK)
        fail("streaming writer failed on records the reader produced",
             nz_err_name(rc));

    nz_read_options ro;
    nz_read_options_init(&ro);
    ro.format = wo.format;
    ro.max_depth = NZ_READ_JSON_DEPTH_LIMIT;
    ro.max_record_bytes = SIZE_MAX;
    nz_reader *r = NULL;
    rc = nz_reader_open_memory(&r, out.data ? out.data : "", out.len, &ro, &d);
    if (rc != NZ_OK)
        fail("cannot reopen the writer's output", nz_err_name(rc));
    json_t *back;
    size_t got = 0;
    if (variant == 1) {
        rc = nz_reader_next(r, &back, &d);
        if (rc != 1 || !json_is_array(back) || json_array_size(back) != n)
            fail("array output does not read back as one array of all "
                 "records", d.text);
        for (size_t i = 0; i < n; i++)
            if (!fuzz_same_tree(json_array_get(back, i), recs[i]))
                fail("array output element differs from its record", NULL);
        json_decref(back);
        got = n;
    } else {
        while ((rc = nz_reader_next(r, &back, &d)) == 1) {
            if (got >= n || !fuzz_same_tree(back, recs[got])) {
                fprintf(stderr, "output: %.*s\n",
                        (int)(out.len > 2000 ? 2000 : out.len), out.data);
                fail("streamed record differs after reading it back", NULL);
            }
            json_decref(back);
            got++;
        }
        if (rc < 0) {
            fprintf(stderr, "output: %.*s\n",
                    (int)(out.len > 2000 ? 2000 : out.len), out.data);
            fail("writer output does not read back", d.text);
        }
    }
    if (got != n)
        fail("writer output holds a different number of records", NULL);
    nz_reader_close(&r);
    free(out.data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char not_set;
    if (size < 1)
        return 0;
    unsigned sel = data[0];
    data++;
    size--;

    nz_read_options ro;
    nz_read_options_init(&ro);
    static const nz_format formats[4] = {NZ_FORMAT_JSON, NZ_FORMAT_NDJSON,
                                         NZ_FORMAT_JSON_SEQ, NZ_FORMAT_JSON};
    ro.format = formats[sel & OPT_FORMAT_MASK];
    if ((sel & OPT_FORMAT_MASK) == 3)
        ro.flags |= NZ_READ_SINGLE_VALUE;
    if (sel & OPT_DUP_LAST)
        ro.flags |= NZ_READ_DUPLICATE_KEYS_LAST;
    if (sel & OPT_SMALL_DEPTH)
        ro.max_depth = 5;
    if (sel & OPT_SMALL_RECORD)
        ro.max_record_bytes = 100;
    if (sel & OPT_KEEP_POS)
        ro.flags |= NZ_READ_KEEP_POSITIONS;
    ro.source_name = "fuzz.input";
    unsigned variant = (sel >> OPT_WRITE_SHIFT) & 3u;

    nz_write_options wo;
    nz_write_options_init(&wo);
    if (variant & 1u)
        wo.flags |= NZ_WRITE_SORT_KEYS;
    if (variant & 2u) {
        wo.flags |= NZ_WRITE_ASCII;
        wo.indent = 2;
    }

    nz_reader *r = NULL;
    nz_diag d = {0};
    /* A zero-length buffer still needs a valid pointer. */
    int rc = nz_reader_open_memory(&r, size ? (const void *)data : "", size,
                                   &ro, &d);
    if (rc != NZ_OK) {
        if (r != NULL)
            fail("failed open left a reader behind", NULL);
        if (rc != NZ_ENOMEM)
            fail("nz_reader_open_memory refused valid options",
                 nz_err_name(rc));
        return 0;
    }
    if (strcmp(nz_reader_source_name(r), "fuzz.input") != 0)
        fail("source name not kept", nz_reader_source_name(r));

    json_t **recs = NULL;
    size_t nrecs = 0;
    int line_framed = ro.format != NZ_FORMAT_JSON;
    for (size_t iter = 0;; iter++) {
        if (iter > MAX_ITERATIONS(size))
            fail("reader makes no progress", NULL);
        /* Must come back as NULL unless a record was read. */
        json_t *rec = (json_t *)(void *)&not_set;
        nz_diag_clear(&d);
        rc = nz_reader_next(r, &rec, &d);
        if (rc == 0) {
            if (rec != NULL)
                fail("end of input with a record", NULL);
            break;
        }
        if (rc < 0) {
            if (rec != NULL)
                fail("error with a record", nz_err_name(rc));
            check_diag(rc, &d);
            if (rc == NZ_ESTATE)
                fail("NZ_ESTATE before any final error", NULL);
            if (!line_framed) {
                /* In JSON an error is final. */
                if (nz_reader_next(r, &rec, &d) != NZ_ESTATE)
                    fail("JSON reader continued after an error", NULL);
                break;
            }
            continue;
        }
        if (rc != 1 || rec == NULL)
            fail("nz_reader_next: bad return for a record", NULL);

        check_locate(r, rec);
        if (!has_nul_key(rec)) {
            check_round_trip(rec, &wo, 1);
            check_canonical(rec);
        } else {
            check_round_trip(rec, &wo, 0);
        }
        if (nrecs < MAX_RECORDS) {
            json_t **grown = realloc(recs, (nrecs + 1) * sizeof *recs);
            if (!grown) {
                json_decref(rec);
                break;
            }
            recs = grown;
            recs[nrecs++] = rec;
        } else {
            json_decref(rec);
        }
    }
    nz_reader_close(&r);
    if (r != NULL)
        fail("nz_reader_close did not reset the handle", NULL);

    int any_nul_key = 0;
    for (size_t i = 0; i < nrecs; i++)
        any_nul_key |= has_nul_key(recs[i]);
    if (nrecs > 0 && !any_nul_key)
        check_stream(recs, nrecs, variant);
    for (size_t i = 0; i < nrecs; i++)
        json_decref(recs[i]);
    free(recs);
    return 0;
}
