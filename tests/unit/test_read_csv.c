/* The CSV/TSV reader: per-field positions, streaming across read chunks,
 * limits, option checks, inference and the flatten helpers it shares
 * with the writer. (Row-level behaviour users see is in testdata/csv.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/flatten.h"
#include "normalize/normalize.h"
#include "read/csv_infer.h"

static nz_reader *open_csv(const char *text, unsigned csv_flags,
                           nz_format format)
{
    nz_read_options o;
    nz_read_options_init(&o);
    o.format = format;
    o.csv.flags = csv_flags;
    o.source_name = "t.csv";
    nz_reader *r = NULL;
    nz_diag d;
    assert_int_equal(nz_reader_open_memory(&r, text, strlen(text), &o, &d),
                     NZ_OK);
    return r;
}

static void assert_at(const nz_reader *r, const char *pointer,
                      uint64_t line, uint64_t column)
{
    nz_position p;
    assert_int_equal(nz_reader_locate(r, pointer, &p), NZ_OK);
    if (p.line != line || p.column != column)
        fail_msg("%s is at %llu:%llu, expected %llu:%llu", pointer,
                 (unsigned long long)p.line, (unsigned long long)p.column,
                 (unsigned long long)line, (unsigned long long)column);
}

static void locate_finds_each_field(void **state)
{
    (void)state;
    /* The second record's first field spans two lines, so the fields
     * after it are on its last line; é counts as one column. */
    nz_reader *r = open_csv("id,name,city\n"
                            "1,\"Ann\",Oslo\n"
                            "\"2\n2\",Bé,\"Rome\"\n",
                            0, NZ_FORMAT_CSV);
    json_t *v;
    nz_diag d;
    assert_int_equal(nz_reader_next(r, &v, &d), 1);
    assert_at(r, "", 2, 1);
    assert_at(r, "/id", 2, 1);
    assert_at(r, "/name", 2, 3);
    assert_at(r, "/city", 2, 9);
    nz_position p;
    assert_int_equal(nz_reader_locate(r, "/nope", &p), NZ_ENOTFOUND);
    assert_int_equal(nz_reader_locate(r, "/id/0", &p), NZ_ENOTFOUND);
    json_decref(v);
    assert_int_equal(nz_reader_next(r, &v, &d), 1);
    assert_string_equal(json_string_value(json_object_get(v, "id")), "2\n2");
    assert_at(r, "/id", 3, 1);
    assert_at(r, "/name", 4, 4);
    assert_at(r, "/city", 4, 7);
    assert_int_equal(nz_reader_locate(r, "/city", &p), NZ_OK);
    assert_int_equal(p.offset, strlen("id,name,city\n1,\"Ann\",Oslo\n"
                                      "\"2\n2\",B\xC3\xA9,"));
    json_decref(v);
    assert_int_equal(nz_reader_next(r, &v, &d), 0);
    assert_int_equal(nz_reader_locate(r, "", &p), NZ_ENOTFOUND);
    nz_reader_close(&r);
}

static void locate_without_header_and_nested(void **state)
{
    (void)state;
    nz_reader *r = open_csv("a,b\nc,d\n", NZ_CSV_NO_HEADER, NZ_FORMAT_CSV);
    json_t *v;
    nz_diag d;
    assert_int_equal(nz_reader_next(r, &v, &d), 1);
    json_decref(v);
    assert_int_equal(nz_reader_next(r, &v, &d), 1);
    assert_at(r, "/1", 2, 3);
    nz_position p;
    assert_int_equal(nz_reader_locate(r, "/2", &p), NZ_ENOTFOUND);
    assert_int_equal(nz_reader_locate(r, "/x", &p), NZ_ENOTFOUND);
    json_decref(v);
    nz_reader_close(&r);

    r = open_csv("id,address.city,tags.0,tags.1\n7,Oslo,x,y\n",
                 NZ_CSV_UNFLATTEN, NZ_FORMAT_CSV);
    assert_int_equal(nz_reader_next(r, &v, &d), 1);
    assert_at(r, "/address/city", 2, 3);
    assert_at(r, "/tags/1", 2, 10);
    json_decref(v);
    nz_reader_close(&r);
}

static void tsv_uses_tabs_and_delimiter_option(void **state)
{
    (void)state;
    nz_reader *r = open_csv("a\tb,c\n1\t2,3\n", 0, NZ_FORMAT_TSV);
    json_t *v;
    nz_diag d;
    assert_int_equal(nz_reader_next(r, &v, &d), 1);
    assert_string_equal(json_string_value(json_object_get(v, "b,c")), "2,3");
    json_decref(v);
    nz_reader_close(&r);
}

static void bad_options_are_refused(void **state)
{
    (void)state;
    nz_read_options o;
    nz_read_options_init(&o);
    o.format = NZ_FORMAT_CSV;
    nz_reader *r;
    nz_diag d;
    const char quote_etc[] = {'"', '\r', '\n', (char)0xC3};
    for (size_t i = 0; i < sizeof quote_etc; i++) {
        o.csv.delimiter = quote_etc[i];
        assert_int_equal(nz_reader_open_memory(&r, "a", 1, &o, &d),
                         NZ_EINVAL);
        assert_null(r);
    }
    o.csv.delimiter = ';';
    o.csv.flags = 1u << 20;
    assert_int_equal(nz_reader_open_memory(&r, "a", 1, &o, &d), NZ_EINVAL);
    assert_non_null(strstr(d.text, "flags"));
}

/* Rows are read from a pipe in chunks: fields that straddle the chunk
 * boundaries come out whole, and a limit below the input size but above
 * every row is never hit (memory follows the row, not the input). */
static void streams_across_chunks_with_bounded_rows(void **state)
{
    (void)state;
    enum { ROWS = 30000 };
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        FILE *w = fdopen(fds[1], "w");
        fputs("n,text\n", w);
        for (int i = 0; i < ROWS; i++)
            fprintf(w, "%d,\"row %d, \"\"quoted\"\"\nsecond line\"\n", i, i);
        fclose(w);
        _exit(0);
    }
    close(fds[1]);
    nz_read_options o;
    nz_read_options_init(&o);
    o.format = NZ_FORMAT_CSV;
    o.max_record_bytes = 4096; /* the input is about 1.2 MB */
    nz_reader *r;
    nz_diag d;
    assert_int_equal(nz_reader_open_fd(&r, fds[0], &o, &d), NZ_OK);
    json_t *v;
    int n = 0, rc;
    while ((rc = nz_reader_next(r, &v, &d)) > 0) {
        char want[64];
        snprintf(want, sizeof want, "row %d, \"quoted\"\nsecond line", n);
        assert_string_equal(json_string_value(json_object_get(v, "text")),
                            want);
        if (n % 7919 == 0 || n == ROWS - 1) {
            char digits[16];
            int w = snprintf(digits, sizeof digits, "%d", n);
            assert_at(r, "/text", 2 + 2 * (uint64_t)n, (uint64_t)w + 2);
        }
        json_decref(v);
        n++;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(n, ROWS);
    nz_reader_close(&r);
    close(fds[0]);
}

static void row_over_the_limit_is_an_error(void **state)
{
    (void)state;
    size_t big = 10000;
    char *text = malloc(big + 64);
    strcpy(text, "a,b\n1,2\n3,\"");
    size_t len = strlen(text);
    memset(text + len, 'x', big);
    strcpy(text + len + big, "\"\n");
    nz_read_options o;
    nz_read_options_init(&o);
    o.format = NZ_FORMAT_CSV;
    o.max_record_bytes = 1000;
    nz_reader *r;
    nz_diag d;
    assert_int_equal(nz_reader_open_memory(&r, text, strlen(text), &o, &d),
                     NZ_OK);
    json_t *v;
    assert_int_equal(nz_reader_next(r, &v, &d), 1);
    json_decref(v);
    assert_int_equal(nz_reader_next(r, &v, &d), NZ_ETOOBIG);
    assert_int_equal(d.line, 3);
    assert_int_equal(d.column, 1);
    assert_non_null(strstr(d.text, "quote"));
    assert_int_equal(nz_reader_next(r, &v, &d), NZ_ESTATE);
    nz_reader_close(&r);
    free(text);
}

static void check_infer(const char *text, bool quoted, const char *want)
{
    json_t *v = nz_csv_infer(text, strlen(text), quoted);
    char *got = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    if (strcmp(got, want) != 0)
        fail_msg("%s%s%s -> %s, expected %s", quoted ? "\"" : "", text,
                 quoted ? "\"" : "", got, want);
    free(got);
    json_decref(v);
}

static void infer_table(void **state)
{
    (void)state;
    check_infer("", false, "null");
    check_infer("", true, "\"\"");
    check_infer("12", true, "\"12\"");
    check_infer("true", false, "true");
    check_infer("True", false, "\"True\"");
    check_infer("false", false, "false");
    check_infer("0", false, "0");
    check_infer("-12", false, "-12");
    check_infer("01234", false, "\"01234\"");
    check_infer("00.5", false, "\"00.5\"");
    check_infer("0.5", false, "0.5");
    check_infer("1e5", false, "100000.0");
    check_infer("-2.5E3", false, "-2500.0");
    check_infer("1e400", false, "\"1e400\"");
    check_infer("9223372036854775807", false, "9223372036854775807");
    check_infer("9223372036854775808", false, "\"9223372036854775808\"");
    check_infer("-0", false, "\"-0\"");
    check_infer("+3", false, "\"+3\"");
    check_infer(".5", false, "\".5\"");
    check_infer("5.", false, "\"5.\"");
    check_infer("0x1F", false, "\"0x1F\"");
    check_infer("1_000", false, "\"1_000\"");
    check_infer("NaN", false, "\"NaN\"");
    check_infer(" 1", false, "\" 1\"");
    check_infer("null", false, "\"null\"");
}

static void flatten_and_unflatten_are_inverse(void **state)
{
    (void)state;
    json_error_t e;
    json_t *rec = json_loads("{\"a\":{\"b\":1,\"c\":[true,null]},\"e\":{},"
                             "\"l\":[],\"s\":\"x\"}",
                             0, &e);
    nz_flat f;
    nz_flat_init(&f);
    assert_int_equal(nz_flatten(&f, rec, false, 100), 0);
    const char *keys[] = {"a.b", "a.c.0", "a.c.1", "e", "l", "s"};
    assert_int_equal(f.count, 6);
    json_t *back = json_object();
    for (size_t i = 0; i < f.count; i++) {
        assert_string_equal(nz_flat_key(&f, i), keys[i]);
        assert_int_equal(nz_unflatten_set(back, nz_flat_key(&f, i),
                                          json_deep_copy(f.leaves[i])),
                         0);
    }
    back = nz_unflatten_finish(back);
    assert_true(json_equal(back, rec));
    /* Sorted, and too deep. */
    json_t *deep = json_loads("{\"z\":1,\"a\":{\"y\":{\"x\":2}}}", 0, &e);
    assert_int_equal(nz_flatten(&f, deep, true, 100), 0);
    assert_string_equal(nz_flat_key(&f, 0), "a.y.x");
    assert_string_equal(nz_flat_key(&f, 1), "z");
    assert_int_equal(nz_flatten(&f, deep, false, 2), NZ_EDEPTH);
    /* A key that is taken, or a scalar on the way, is refused. */
    assert_int_equal(nz_unflatten_set(back, "s", json_integer(1)),
                     NZ_EDUPKEY);
    assert_int_equal(nz_unflatten_set(back, "s.t", json_integer(1)),
                     NZ_EDUPKEY);
    nz_flat_free(&f);
    json_decref(deep);
    json_decref(back);
    json_decref(rec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(locate_finds_each_field),
        cmocka_unit_test(locate_without_header_and_nested),
        cmocka_unit_test(tsv_uses_tabs_and_delimiter_option),
        cmocka_unit_test(bad_options_are_refused),
        cmocka_unit_test(streams_across_chunks_with_bounded_rows),
        cmocka_unit_test(row_over_the_limit_is_an_error),
        cmocka_unit_test(infer_table),
        cmocka_unit_test(flatten_and_unflatten_are_inverse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
