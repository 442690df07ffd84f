/* The CSV/TSV writer: header and quoting, flattening, records with other
 * keys, option checks, a failed first record taken back, and round trips
 * through the reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "normalize/normalize.h"

typedef struct sink {
    char buf[65536];
    size_t len;
} sink;

static int to_sink(const char *data, size_t size, void *ctx)
{
    sink *s = ctx;
    assert_true(s->len + size < sizeof s->buf);
    memcpy(s->buf + s->len, data, size);
    s->len += size;
    s->buf[s->len] = '\0';
    return 0;
}

/* Write the NDJSON lines of `records` as CSV; returns the first error
 * (or NZ_OK) and leaves the text in out. */
static int write_all(const char *records, nz_format format, unsigned flags,
                     unsigned csv_flags, sink *out, nz_diag *d)
{
    nz_write_options o;
    nz_write_options_init(&o);
    o.format = format;
    o.flags = flags;
    o.csv.flags = csv_flags;
    memset(out, 0, sizeof *out);
    nz_writer *w;
    assert_int_equal(nz_writer_open_callback(&w, to_sink, out, &o, d), NZ_OK);
    int first = NZ_OK;
    const char *line = records;
    while (*line) {
        const char *end = strchr(line, '\n');
        json_error_t e;
        json_t *v = json_loadb(line, (size_t)(end - line), JSON_DECODE_ANY,
                               &e);
        assert_non_null(v);
        int rc = nz_writer_write(w, v, first == NZ_OK ? d : NULL);
        if (rc != NZ_OK && first == NZ_OK)
            first = rc;
        json_decref(v);
        line = end + 1;
    }
    assert_int_equal(nz_writer_finish(w, NULL), NZ_OK);
    nz_writer_close(&w);
    return first;
}

static void header_quoting_and_values(void **state)
{
    (void)state;
    sink out;
    nz_diag d;
    assert_int_equal(
        write_all("{\"a b\":\"x,y\",\"q\":\"say \\\"hi\\\"\",\"n\":null,"
                  "\"i\":-3,\"r\":0.1,\"t\":true,\"nl\":\"1\\r\\n2\","
                  "\"e\":\"\",\"sp\":\" pad \"}\n",
                  NZ_FORMAT_CSV, 0, 0, &out, &d),
        NZ_OK);
    assert_string_equal(out.buf,
                        "a b,q,n,i,r,t,nl,e,sp\n"
                        "\"x,y\",\"say \"\"hi\"\"\",,-3,0.1,true,\"1\r\n2\","
                        ", pad \n");
}

static void nested_values_flatten(void **state)
{
    (void)state;
    sink out;
    nz_diag d;
    assert_int_equal(write_all("{\"u\":{\"n\":\"A\",\"t\":[1,[2,3]]},"
                               "\"e\":{},\"l\":[]}\n",
                               NZ_FORMAT_CSV, 0, 0, &out, &d),
                     NZ_OK);
    assert_string_equal(out.buf, "u.n,u.t.0,u.t.1.0,u.t.1.1,e,l\n"
                                 "A,1,2,3,{},[]\n");
    /* Array records, as --no-header reads them. */
    assert_int_equal(write_all("[1,\"a\"]\n[2,\"b\"]\n", NZ_FORMAT_CSV, 0,
                               NZ_CSV_OMIT_HEADER, &out, &d),
                     NZ_OK);
    assert_string_equal(out.buf, "1,a\n2,b\n");
}

static void other_keys_are_an_error_or_filled(void **state)
{
    (void)state;
    sink out;
    nz_diag d;
    /* Same keys in another order are fine: columns follow the header. */
    assert_int_equal(write_all("{\"a\":1,\"b\":2}\n{\"b\":3,\"a\":4}\n",
                               NZ_FORMAT_CSV, 0, 0, &out, &d),
                     NZ_OK);
    assert_string_equal(out.buf, "a,b\n1,2\n4,3\n");
    assert_int_equal(write_all("{\"a\":1,\"b\":{\"c\":2}}\n{\"a\":3}\n"
                               "{\"a\":5,\"b\":{\"c\":6}}\n",
                               NZ_FORMAT_CSV, 0, 0, &out, &d),
                     NZ_EUNREPRESENTABLE);
    assert_string_equal(d.path, "/b/c");
    assert_non_null(strstr(d.text, "record 2"));
    /* The writer goes on after a record it refused. */
    assert_string_equal(out.buf, "a,b.c\n1,2\n5,6\n");
    assert_int_equal(write_all("{\"a\":1}\n{\"a\":2,\"x\":{\"y\":1}}\n",
                               NZ_FORMAT_CSV, 0, 0, &out, &d),
                     NZ_EUNREPRESENTABLE);
    assert_string_equal(d.path, "/x/y");
    assert_int_equal(write_all("{\"a\":1,\"b\":2}\n{\"b\":3,\"c\":4}\n{}\n",
                               NZ_FORMAT_CSV, 0, NZ_CSV_FILL, &out, &d),
                     NZ_OK);
    assert_string_equal(out.buf, "a,b\n1,2\n,3\n,\n");
}

/* Two leaves that flatten to one name would make two columns of that
 * name; an empty key keeps its '.' so it stays apart from a top "x". */
static void one_column_name_per_field(void **state)
{
    (void)state;
    sink out;
    nz_diag d;
    assert_int_equal(write_all("{\"a.b\":1,\"a\":{\"b\":2}}\n",
                               NZ_FORMAT_CSV, 0, 0, &out, &d),
                     NZ_EUNREPRESENTABLE);
    assert_non_null(strstr(d.text, "record 1 has two fields that flatten "
                                   "to the column \"a.b\""));
    assert_string_equal(out.buf, "");
    /* In a later record too, and --fill does not drop one of them. */
    assert_int_equal(write_all("{\"a.b\":1,\"c\":2}\n"
                               "{\"c\":3,\"a\":{\"b\":4},\"a.b\":5}\n"
                               "{\"c\":6,\"a.b\":7}\n",
                               NZ_FORMAT_CSV, 0, NZ_CSV_FILL, &out, &d),
                     NZ_EUNREPRESENTABLE);
    assert_non_null(strstr(d.text, "record 2 has two fields"));
    assert_string_equal(out.buf, "a.b,c\n1,2\n7,6\n");
    assert_int_equal(write_all("{\"\":{\"x\":1},\"x\":2,\"y\":{\"\":3}}\n",
                               NZ_FORMAT_CSV, 0, 0, &out, &d),
                     NZ_OK);
    assert_string_equal(out.buf, ".x,x,y.\n1,2,3\n");
}

static void sorted_tsv(void **state)
{
    (void)state;
    sink out;
    nz_diag d;
    assert_int_equal(write_all("{\"b\":\"x\\ty\",\"a\":{\"d\":1,\"c\":2}}\n",
                               NZ_FORMAT_TSV, NZ_WRITE_SORT_KEYS, 0, &out,
                               &d),
                     NZ_OK);
    assert_string_equal(out.buf, "a.c\ta.d\tb\n2\t1\t\"x\ty\"\n");
}

static void bad_first_record_is_taken_back(void **state)
{
    (void)state;
    nz_write_options o;
    nz_write_options_init(&o);
    o.format = NZ_FORMAT_CSV;
    sink out;
    memset(&out, 0, sizeof out);
    nz_writer *w;
    nz_diag d;
    assert_int_equal(nz_writer_open_callback(&w, to_sink, &out, &o, &d),
                     NZ_OK);
    json_t *bad = json_pack("{s:o}", "k", json_stringn_nocheck("\xff", 1));
    assert_int_equal(nz_writer_write(w, bad, &d), NZ_EUNREPRESENTABLE);
    assert_string_equal(d.path, "/k");
    json_t *empty = json_object();
    assert_int_equal(nz_writer_write(w, empty, &d), NZ_EUNREPRESENTABLE);
    json_t *good = json_pack("{s:i}", "z", 1);
    assert_int_equal(nz_writer_write(w, good, &d), NZ_OK);
    assert_int_equal(nz_writer_finish(w, &d), NZ_OK);
    assert_string_equal(out.buf, "z\n1\n");
    nz_writer_close(&w);
    json_decref(bad);
    json_decref(empty);
    json_decref(good);
}

static void bad_options_are_refused(void **state)
{
    (void)state;
    nz_write_options o;
    nz_write_options_init(&o);
    o.format = NZ_FORMAT_CSV;
    nz_writer *w;
    nz_diag d;
    o.flags = NZ_WRITE_ARRAY;
    assert_int_equal(nz_writer_open_fd(&w, 1, &o, &d), NZ_EINVAL);
    o.flags = 0;
    o.indent = 2;
    assert_int_equal(nz_writer_open_fd(&w, 1, &o, &d), NZ_EINVAL);
    o.indent = 0;
    o.csv.delimiter = '\n';
    assert_int_equal(nz_writer_open_fd(&w, 1, &o, &d), NZ_EINVAL);
    o.csv.delimiter = 0;
    o.csv.flags = 1u << 9;
    assert_int_equal(nz_writer_open_fd(&w, 1, &o, &d), NZ_EINVAL);
}

/* JSON -> CSV -> JSON with inference and unflattening gives the records
 * back, where the values are ones CSV can tell apart. */
static void round_trip_through_the_reader(void **state)
{
    (void)state;
    const char *records =
        "{\"id\":1,\"who\":{\"name\":\"Ann\",\"zip\":\"0150\"},"
        "\"tags\":[\"a\",\"b\"],\"ok\":true,\"r\":2.5,\"n\":null,"
        "\"note\":\"x, \\\"y\\\"\\nz\",\"e\":{}}\n"
        "{\"id\":2,\"who\":{\"name\":\"Bo\",\"zip\":\"00100\"},"
        "\"tags\":[\"c\",\"d\"],\"ok\":false,\"r\":-1e-7,\"n\":3,"
        "\"note\":\"\\u00e9\",\"e\":{}}\n";
    sink out;
    nz_diag d;
    assert_int_equal(write_all(records, NZ_FORMAT_CSV, 0, 0, &out, &d),
                     NZ_OK);
    nz_read_options ro;
    nz_read_options_init(&ro);
    ro.format = NZ_FORMAT_CSV;
    ro.csv.flags = NZ_CSV_INFER | NZ_CSV_UNFLATTEN;
    nz_reader *r;
    assert_int_equal(nz_reader_open_memory(&r, out.buf, out.len, &ro, &d),
                     NZ_OK);
    const char *line = records;
    json_t *v;
    int n = 0;
    while (nz_reader_next(r, &v, &d) > 0) {
        const char *end = strchr(line, '\n');
        json_error_t e;
        json_t *want = json_loadb(line, (size_t)(end - line), 0, &e);
        if (!json_equal(v, want)) {
            char *got = json_dumps(v, JSON_COMPACT);
            fail_msg("record %d came back as %s", n + 1, got);
        }
        json_decref(want);
        json_decref(v);
        line = end + 1;
        n++;
    }
    assert_int_equal(n, 2);
    nz_reader_close(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(header_quoting_and_values),
        cmocka_unit_test(nested_values_flatten),
        cmocka_unit_test(other_keys_are_an_error_or_filled),
        cmocka_unit_test(one_column_name_per_field),
        cmocka_unit_test(sorted_tsv),
        cmocka_unit_test(bad_first_record_is_taken_back),
        cmocka_unit_test(bad_options_are_refused),
        cmocka_unit_test(round_trip_through_the_reader),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
