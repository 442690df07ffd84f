/* The JSON reader as a stream: records come out as soon as they are whole,
 * input arrives in any chunking, and memory stays bounded by the largest
 * record however long the input is. Inputs are fed through pipes by a
 * child process, the way `producer | normalize` sees them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "pipe_feed.h"

#include "normalize/normalize.h"
#include "read/reader_impl.h" /* white-box: the input window's capacity */

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define HAVE_VALGRIND_H 1
#endif
#endif

/* Inputs must dwarf the 1 MiB window to prove it does not grow, but under
 * valgrind (50x slower) a quarter of the size proves the same. */
static size_t scaled(size_t bytes)
{
#ifdef HAVE_VALGRIND_H
    if (RUNNING_ON_VALGRIND)
        return bytes / 4;
#endif
    return bytes;
}


/* Every record (and error code) as one line, for comparing two reads. */
static char *summary(nz_reader *r)
{
    size_t cap = 1 << 16, used = 0;
    char *out = calloc(1, cap);
    for (;;) {
        json_t *v;
        nz_diag d;
        int rc = nz_reader_next(r, &v, &d);
        if (rc == 0 || rc == NZ_ESTATE)
            break;
        char *text = rc > 0 ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)
                            : strdup(nz_err_name(rc));
        size_t n = strlen(text);
        if (used + n + 2 > cap) {
            cap = 2 * (used + n + 2);
            out = realloc(out, cap);
        }
        memcpy(out + used, text, n);
        used += n;
        out[used++] = '\n';
        out[used] = '\0';
        free(text);
        if (rc > 0)
            json_decref(v);
    }
    return out;
}

static void check_chunking(nz_format format, const char *input)
{
    nz_read_options o;
    nz_read_options_init(&o);
    o.format = format;
    nz_reader *r;
    assert_int_equal(nz_reader_open_memory(&r, input, strlen(input), &o, NULL), 0);
    char *expected = summary(r);
    nz_reader_close(&r);
    static const size_t pieces[] = {1, 2, 3, 7, 4096};
    for (size_t i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
        pid_t child;
        int fd = feed(input, strlen(input), pieces[i], &child);
        assert_int_equal(nz_reader_open_fd(&r, fd, &o, NULL), 0);
        char *got = summary(r);
        assert_string_equal(got, expected);
        free(got);
        nz_reader_close(&r);
        close(fd);
        reap(child);
    }
    free(expected);
}

static void stream_any_chunking_gives_the_same_records(void **state)
{
    (void)state;
    check_chunking(NZ_FORMAT_JSON,
                   " {\"a\\\"}\": [1, \"x\\\\\", {\"b\": null}]} 12 \"s\\\"t\" "
                   "[true,false] -3.5e2 {\"u\":\"\\u00e9\\ud83d\\ude00\"}\n");
    check_chunking(NZ_FORMAT_NDJSON,
                   "{\"a\":1}\r\n\n[\"x\\n\"]\n{bad}\n\"\xC3\xA9\"\n42");
    check_chunking(NZ_FORMAT_JSON_SEQ,
                   "\x1e{\"a\":[1,2]}\n\x1e\"x\"\n\x1e" "7\n\x1e{bad\n\x1e" "null\n");
}

static void stream_record_arrives_before_input_ends(void **state)
{
    (void)state;
    /* The child writes one record, then waits for us to have read it
     * before it sends the rest: a reader that waited for more input (or
     * for EOF) would hang here, and alarm() would fail the test. */
    int data[2], ack[2];
    assert_int_equal(pipe(data), 0);
    assert_int_equal(pipe(ack), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(data[0]);
        close(ack[1]);
        char c;
        if (write(data[1], "{\"n\":1}\n", 8) != 8 || read(ack[0], &c, 1) != 1 ||
            write(data[1], "{\"n\":2}\n", 8) != 8)
            _exit(1);
        _exit(0);
    }
    close(data[1]);
    close(ack[0]);
    alarm(20);
    static const nz_format formats[] = {NZ_FORMAT_NDJSON};
    nz_read_options o;
    nz_read_options_init(&o);
    o.format = formats[0];
    nz_reader *r;
    assert_int_equal(nz_reader_open_fd(&r, data[0], &o, NULL), 0);
    json_t *v;
    assert_int_equal(nz_reader_next(r, &v, NULL), 1);
    assert_int_equal(json_integer_value(json_object_get(v, "n")), 1);
    json_decref(v);
    assert_int_equal(write(ack[1], "k", 1), 1);
    assert_int_equal(nz_reader_next(r, &v, NULL), 1);
    assert_int_equal(json_integer_value(json_object_get(v, "n")), 2);
    json_decref(v);
    assert_int_equal(nz_reader_next(r, &v, NULL), 0);
    alarm(0);
    nz_reader_close(&r);
    close(data[0]);
    close(ack[1]);
    reap(pid);
}

static void stream_memory_bounded_by_record_not_input(void **state)
{
    (void)state;
    /* 12 MiB of small records through a pipe: the window never grows. */
    const char line[] = "{\"id\":12345,\"name\":\"abcdefghij\",\"tags\":[1,2,3],"
                        "\"nested\":{\"x\":1.5,\"y\":null}}\n";
    size_t n_lines = scaled(12u << 20) / (sizeof line - 1);
    size_t size = n_lines * (sizeof line - 1);
    char *input = malloc(size);
    for (size_t i = 0; i < n_lines; i++)
        memcpy(input + i * (sizeof line - 1), line, sizeof line - 1);
    static const nz_format formats[] = {NZ_FORMAT_NDJSON, NZ_FORMAT_JSON};
    for (size_t f = 0; f < 2; f++) {
        pid_t child;
        int fd = feed(input, size, 1 << 16, &child);
        nz_read_options o;
        nz_read_options_init(&o);
        o.format = formats[f];
        nz_reader *r;
        assert_int_equal(nz_reader_open_fd(&r, fd, &o, NULL), 0);
        size_t count = 0, max_cap = 0;
        json_t *v;
        while (nz_reader_next(r, &v, NULL) == 1) {
            count++;
            json_decref(v);
            if (r->in.cap > max_cap)
                max_cap = r->in.cap;
        }
        assert_int_equal(count, n_lines);
        assert_true(max_cap <= 1u << 20);
        nz_reader_close(&r);
        close(fd);
        reap(child);
    }
    free(input);
}

static void stream_large_record_across_many_reads(void **state)
{
    (void)state;
    /* One 3 MiB string: it spans many reads and must arrive whole. */
    size_t n = scaled(3u << 20);
    char *input = malloc(n + 16);
    input[0] = '[';
    input[1] = '"';
    memset(input + 2, 'x', n);
    memcpy(input + 2 + n, "\"]\n[1]\n", 8);
    static const nz_format formats[] = {NZ_FORMAT_NDJSON, NZ_FORMAT_JSON};
    for (size_t f = 0; f < 2; f++) {
        pid_t child;
        int fd = feed(input, n + 9, 1 << 15, &child);
        nz_read_options o;
        nz_read_options_init(&o);
        o.format = formats[f];
        nz_reader *r;
        assert_int_equal(nz_reader_open_fd(&r, fd, &o, NULL), 0);
        json_t *v;
        assert_int_equal(nz_reader_next(r, &v, NULL), 1);
        assert_int_equal(json_string_length(json_array_get(v, 0)), n);
        json_decref(v);
        assert_int_equal(nz_reader_next(r, &v, NULL), 1);
        json_decref(v);
        assert_int_equal(nz_reader_next(r, &v, NULL), 0);
        nz_reader_close(&r);
        close(fd);
        reap(child);
    }
    free(input);
}

static void stream_oversized_line_skipped_without_buffering(void **state)
{
    (void)state;
    /* A 6 MiB line over a 4 KiB limit: an error, then the next line, and
     * the oversized line was never held whole. */
    size_t n = scaled(6u << 20);
    char *input = malloc(n + 16);
    memset(input, ' ', n);
    input[0] = '"';
    input[n - 1] = '"';
    memcpy(input + n, "\n{\"ok\":1}\n", 10);
    pid_t child;
    int fd = feed(input, n + 10, 1 << 16, &child);
    nz_read_options o;
    nz_read_options_init(&o);
    o.format = NZ_FORMAT_NDJSON;
    o.max_record_bytes = 4096;
    nz_reader *r;
    assert_int_equal(nz_reader_open_fd(&r, fd, &o, NULL), 0);
    json_t *v;
    nz_diag d;
    assert_int_equal(nz_reader_next(r, &v, &d), NZ_ETOOBIG);
    assert_int_equal(d.line, 1);
    assert_int_equal(d.column, 1);
    assert_int_equal(nz_reader_next(r, &v, &d), 1);
    assert_int_equal(json_integer_value(json_object_get(v, "ok")), 1);
    json_decref(v);
    assert_int_equal(nz_reader_next(r, &v, &d), 0);
    assert_true(r->in.cap <= 1u << 20);
    nz_reader_close(&r);
    close(fd);
    reap(child);
    free(input);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stream_any_chunking_gives_the_same_records),
        cmocka_unit_test(stream_record_arrives_before_input_ends),
        cmocka_unit_test(stream_memory_bounded_by_record_not_input),
        cmocka_unit_test(stream_large_record_across_many_reads),
        cmocka_unit_test(stream_oversized_line_skipped_without_buffering),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
