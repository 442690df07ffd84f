/* Fuzz target for the YAML reader and writer.
 *
 * Input layout: byte 0 picks the options (see the OPT_* bits), the rest is
 * the YAML text. Every record read is located, written back as YAML
 * (one writer for the whole stream) and the output is read again with the
 * same typing: it must give the same records.
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
#define OPT_YAML_1_1 0x01u      /* NZ_YAML_1_1                         */
#define OPT_NO_MERGE 0x02u      /* NZ_YAML_NO_MERGE                    */
#define OPT_DUP_LAST 0x04u      /* duplicate keys: last wins           */
#define OPT_SMALL_DEPTH 0x08u   /* max_depth = 5                       */
#define OPT_SMALL_RECORD 0x10u  /* max_record_bytes = 100              */
#define OPT_KEEP_POS 0x20u      /* NZ_READ_KEEP_POSITIONS              */
#define OPT_STRICT 0x40u        /* NZ_READ_STRICT                      */
#define OPT_WRITE_VARIANT 0x80u /* writer: sorted keys, ASCII, indent 4 */

#define MAX_ITERATIONS(size) (2 * (size) + 16)
#define MAX_RECORDS 4096

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_read_yaml: %s%s%s\n", what, detail ? ": " : "",
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

static void check_diag(int rc, const nz_diag *d)
{
    char line[2048];
    if (!nz_err_name(rc))
        fail("reader returned a code that is not an NZ_E* code", NULL);
    if (d->code != rc)
        fail("diagnostic code differs from the return code",
             nz_err_name(rc));
    if (rc != NZ_ENOMEM && rc != NZ_ESTATE && d->line == 0)
        fail("diagnostic without a line", d->text);
    int n = nz_diag_format(d, line, sizeof line);
    if (n < 0)
        fail("nz_diag_format failed", nz_err_name(rc));
}

/* The record and its first child must be locatable. */
static void check_locate(const nz_reader *r, json_t *rec)
{
    nz_position pos;
    if (nz_reader_locate(r, "", &pos) != NZ_OK || pos.line == 0 ||
        pos.column == 0)
        fail("nz_reader_locate misses the record", NULL);
    if (json_is_array(rec) && json_array_size(rec) > 0 &&
        nz_reader_locate(r, "/0", &pos) != NZ_OK)
        fail("nz_reader_locate misses /0", NULL);
    char ptr[64];
    if (json_is_array(rec)) {
        snprintf(ptr, sizeof ptr, "/%zu", json_array_size(rec));
        if (nz_reader_locate(r, ptr, &pos) == NZ_OK)
            fail("nz_reader_locate found an element past the end", ptr);
    }
    (void)nz_reader_locate(r, "no-slash", &pos);
    (void)nz_reader_locate(r, "/~2/x", &pos);
}

/* Write the records as YAML and read them back with the same typing. */
static void check_round_trip(json_t **recs, size_t n,
                             const nz_read_options *ro, unsigned sel)
{
    nz_write_options wo;
    nz_write_options_init(&wo);
    wo.format = NZ_FORMAT_YAML;
    if (sel & OPT_WRITE_VARIANT) {
        wo.flags = NZ_WRITE_SORT_KEYS | NZ_WRITE_ASCII;
        wo.indent = 4;
    }
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
    if (rc == NZ_ENOMEM) {
        free(out.data);
        return;
    }
    if (rc != NZ_OK)
        fail("YAML writer failed on records the reader produced", d.text);

    nz_read_options back_opts;
    nz_read_options_init(&back_opts);
    back_opts.format = NZ_FORMAT_YAML;
    back_opts.yaml.flags = ro->yaml.flags & NZ_YAML_1_1;
    back_opts.max_depth = NZ_READ_JSON_DEPTH_LIMIT;
    back_opts.max_record_bytes = SIZE_MAX;
    nz_reader *r = NULL;
    rc = nz_reader_open_memory(&r, out.data ? out.data : "", out.len,
                               &back_opts, &d);
    if (rc != NZ_OK)
        fail("cannot reopen the writer's output", nz_err_name(rc));
    json_t *back;
    size_t got = 0;
    while ((rc = nz_reader_next(r, &back, &d)) == 1) {
        if (got >= n || !fuzz_same_tree(back, recs[got])) {
            fprintf(stderr, "output:\n%.*s\n",
                    (int)(out.len > 4000 ? 4000 : out.len), out.data);
            fail("YAML output reads back as a different record", NULL);
        }
        json_decref(back);
        got++;
    }
    if (rc < 0 && rc != NZ_ENOMEM) {
        fprintf(stderr, "output:\n%.*s\n",
                (int)(out.len > 4000 ? 4000 : out.len), out.data);
        fail("YAML output does not read back", d.text);
    }
    if (rc == 0 && got != n)
        fail("YAML output holds a different number of records", NULL);
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
    ro.format = NZ_FORMAT_YAML;
    if (sel & OPT_YAML_1_1)
        ro.yaml.flags |= NZ_YAML_1_1;
    if (sel & OPT_NO_MERGE)
        ro.yaml.flags |= NZ_YAML_NO_MERGE;
    if (sel & OPT_DUP_LAST)
        ro.flags |= NZ_READ_DUPLICATE_KEYS_LAST;
    if (sel & OPT_SMALL_DEPTH)
        ro.max_depth = 5;
    if (sel & OPT_SMALL_RECORD)
        ro.max_record_bytes = 100;
    if (sel & OPT_KEEP_POS)
        ro.flags |= NZ_READ_KEEP_POSITIONS;
    if (sel & OPT_STRICT)
        ro.flags |= NZ_READ_STRICT;
    ro.source_name = "fuzz.yaml";

    nz_reader *r = NULL;
    nz_diag d = {0};
    int rc = nz_reader_open_memory(&r, size ? (const void *)data : "", size,
                                   &ro, &d);
    if (rc != NZ_OK) {
        if (rc != NZ_ENOMEM)
            fail("nz_reader_open_memory refused valid options",
                 nz_err_name(rc));
        return 0;
    }
    json_t **recs = NULL;
    size_t nrecs = 0;
    for (size_t iter = 0;; iter++) {
        if (iter > MAX_ITERATIONS(size))
            fail("reader makes no progress", NULL);
        json_t *rec = (json_t *)(void *)&not_set;
        nz_diag_clear(&d);
        rc = nz_reader_next(r, &rec, &d);
        if (rc == 0) {
            if (rec != NULL)
                fail("end of input with a record", NULL);
            json_t *again;
            if (nz_reader_next(r, &again, &d) != 0)
                fail("end of input is not sticky", NULL);
            break;
        }
        if (rc < 0) {
            if (rec != NULL)
                fail("error with a record", nz_err_name(rc));
            if (rc == NZ_ESTATE)
                break; /* after a final error */
            check_diag(rc, &d);
            continue;
        }
        if (rec == NULL || rec == (json_t *)(void *)&not_set)
            fail("record count without a record", NULL);
        check_locate(r, rec);
        for (size_t i = 0; i < nz_reader_warning_count(r); i++) {
            const nz_diag *w = nz_reader_warning(r, i);
            if (!w || w->severity != NZ_SEVERITY_WARNING || w->line == 0)
                fail("warning without severity or position", NULL);
        }
        if (nrecs < MAX_RECORDS) {
            json_t **grown = realloc(recs, (nrecs + 1) * sizeof *grown);
            if (!grown)
                fail("out of memory in the harness", NULL);
            recs = grown;
            recs[nrecs++] = rec;
        } else {
            json_decref(rec);
        }
    }
    nz_reader_close(&r);
    if (r != NULL)
        fail("nz_reader_close did not reset the handle", NULL);
    check_round_trip(recs, nrecs, &ro, sel);
    for (size_t i = 0; i < nrecs; i++)
        json_decref(recs[i]);
    free(recs);
    return 0;
}
