/* The JSON reader: framings, errors with exact positions, limits, locate.
 *
 * Each case reads a whole input and compares a transcript: one line per
 * record ("<json> @line:col") or error ("! line:col CODE text").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "normalize/normalize.h"

typedef struct read_case {
    nz_format format;
    unsigned flags;
    size_t max_depth;
    size_t max_record_bytes;
} read_case;

/* Read everything; return a malloc'd transcript. Errors in NZ_FORMAT_JSON
 * end the input, so the loop stops at NZ_ESTATE. */
static char *transcript(const char *input, size_t len, read_case c)
{
    nz_read_options o;
    nz_read_options_init(&o);
    o.format = c.format;
    o.flags = c.flags;
    if (c.max_depth)
        o.max_depth = c.max_depth;
    if (c.max_record_bytes)
        o.max_record_bytes = c.max_record_bytes;
    o.source_name = "in";
    nz_reader *r;
    nz_diag d;
    assert_int_equal(nz_reader_open_memory(&r, input, len, &o, &d), NZ_OK);
    size_t cap = 4096, used = 0;
    char *out = malloc(cap);
    out[0] = '\0';
    for (int i = 0; i < 1000; i++) {
        json_t *v;
        int rc = nz_reader_next(r, &v, &d);
        if (rc == 0)
            break;
        char line[4096];
        if (rc < 0) {
            if (rc == NZ_ESTATE)
                break;
            assert_int_equal(rc, d.code);
            snprintf(line, sizeof line, "! %lu:%lu %s %s\n",
                     (unsigned long)d.line, (unsigned long)d.column,
                     nz_err_name(d.code), d.text);
        } else {
            char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
            nz_position p;
            assert_int_equal(nz_reader_locate(r, "", &p), NZ_OK);
            snprintf(line, sizeof line, "%s @%lu:%lu\n", text,
                     (unsigned long)p.line, (unsigned long)p.column);
            free(text);
            json_decref(v);
        }
        size_t n = strlen(line);
        if (used + n + 1 > cap) {
            cap = 2 * (used + n + 1);
            out = realloc(out, cap);
        }
        memcpy(out + used, line, n + 1);
        used += n;
    }
    nz_reader_close(&r);
    assert_null(r);
    return out;
}

#define EXPECT(input, c, expected)                                      \
    do {                                                                \
        char *got_ = transcript(input, sizeof(input) - 1, c);           \
        assert_string_equal(got_, expected);                            \
        free(got_);                                                     \
    } while (0)

static const read_case JSON = {NZ_FORMAT_JSON, 0, 0, 0};
static const read_case NDJSON = {NZ_FORMAT_NDJSON, 0, 0, 0};
static const read_case SEQ = {NZ_FORMAT_JSON_SEQ, 0, 0, 0};

static void read_ndjson_blank_lines_and_crlf(void **state)
{
    (void)state;
    EXPECT("{\"b\":1,\"a\":[1,2]}\n\n{\"c\":null}\r\n", NDJSON,
           "{\"b\":1,\"a\":[1,2]} @1:1\n"
           "{\"c\":null} @3:1\n");
}

static void read_ndjson_last_line_without_newline(void **state)
{
    (void)state;
    EXPECT("1\n  \t\n[true]", NDJSON, "1 @1:1\n[true] @3:1\n");
}

static void read_ndjson_error_points_at_fault_and_goes_on(void **state)
{
    (void)state;
    EXPECT("{\"a\":1}\n[2]\n{\"a\":1,,}\n{\"x\":5}\n", NDJSON,
           "{\"a\":1} @1:1\n"
           "[2] @2:1\n"
           "! 3:8 ESYNTAX invalid JSON: string or '}' expected near ','\n"
           "{\"x\":5} @4:1\n");
}

static void read_ndjson_two_values_on_a_line(void **state)
{
    (void)state;
    EXPECT("{\"a\":1} {\"b\":2}\n", NDJSON,
           "! 1:9 ESYNTAX unexpected data after the value: NDJSON holds one "
           "JSON value per line\n");
}

static void read_duplicate_key_names_key_and_first_place(void **state)
{
    (void)state;
    EXPECT("{\"a\":1,\n \"b\": {\"a\":2, \"c\": 3, \"a\":4}}", JSON,
           "! 2:23 EDUPKEY duplicate object key \"a\" (first defined at line "
           "2, column 8)\n");
    /* Spelled differently, still the same key. */
    EXPECT("{\"a\":1,\"\\u0061\":2}", JSON,
           "! 1:8 EDUPKEY duplicate object key \"\\u0061\" (first defined at "
           "line 1, column 2)\n");
}

static void read_duplicate_key_last_wins_on_request(void **state)
{
    (void)state;
    read_case c = {NZ_FORMAT_JSON, NZ_READ_DUPLICATE_KEYS_LAST, 0, 0};
    EXPECT("{\"a\":1,\"a\":2}", c, "{\"a\":2} @1:1\n");
}

static void read_numbers_out_of_range(void **state)
{
    (void)state;
    EXPECT("[1,\n  18446744073709551616]\n", JSON,
           "! 2:3 ERANGE integer 18446744073709551616 is outside the signed "
           "64-bit range\n");
    EXPECT("1e400\n", NDJSON,
           "! 1:1 ERANGE number 1e400 is out of the range of a double\n");
    EXPECT("[9223372036854775807, -9223372036854775808, 1.5e308]", JSON,
           "[9223372036854775807,-9223372036854775808,1.5e308] @1:1\n");
}

static void read_invalid_utf8_and_nul(void **state)
{
    (void)state;
    EXPECT("[\"ok\", \"a\xC3\x28\"]\n", NDJSON,
           "! 1:10 EUTF8 invalid UTF-8: byte 0xC3 is not part of a valid "
           "character\n");
    /* Overlong encoding of '/' */
    EXPECT("\"\xC0\xAF\"\n", NDJSON,
           "! 1:2 EUTF8 invalid UTF-8: byte 0xC0 is not part of a valid "
           "character\n");
    EXPECT("[1,\0002]\n", NDJSON, "! 1:4 ENUL NUL byte (0x00) in input\n");
    /* An escaped NUL is valid JSON and is kept. */
    EXPECT("\"a\\u0000b\"\n", NDJSON, "\"a\\u0000b\" @1:1\n");
}

static void read_lone_surrogate_escape(void **state)
{
    (void)state;
    EXPECT("[\"x\\ud800y\"]\n", NDJSON,
           "! 1:4 ESYNTAX invalid JSON: invalid Unicode '\\uD800' near "
           "'\"x\\ud800y\"'\n");
}

static void read_depth_limit_in_every_framing(void **state)
{
    (void)state;
    read_case json = {NZ_FORMAT_JSON, 0, 3, 0};
    read_case nd = {NZ_FORMAT_NDJSON, 0, 3, 0};
    read_case seq = {NZ_FORMAT_JSON_SEQ, 0, 3, 0};
    EXPECT("[[[1]]] [[[[1]]]]", json,
           "[[[1]]] @1:1\n"
           "! 1:12 EDEPTH nesting deeper than the limit of 3 levels "
           "(max-depth)\n");
    EXPECT("[[[\"[[[[\"]]]\n{\"a\":{\"b\":{\"c\":[]}}}\n7\n", nd,
           "[[[\"[[[[\"]]] @1:1\n"
           "! 2:16 EDEPTH nesting deeper than the limit of 3 levels "
           "(max-depth)\n"
           "7 @3:1\n");
    EXPECT("\x1e[[[[1]]]]\n\x1e" "2\n", seq,
           "! 1:5 EDEPTH nesting deeper than the limit of 3 levels "
           "(max-depth)\n"
           "2 @2:2\n");
}

static void read_depth_limit_default_and_ceiling(void **state)
{
    (void)state;
    /* Default 1000: 1000 levels pass, 1001 do not. */
    char deep[2 * 1001 + 1];
    memset(deep, '[', 1000);
    memset(deep + 1000, ']', 1000);
    char *got = transcript(deep, 2000, JSON);
    assert_non_null(strstr(got, "@1:1"));
    free(got);
    memset(deep, '[', 1001);
    memset(deep + 1001, ']', 1001);
    got = transcript(deep, 2002, JSON);
    assert_string_equal(got, "! 1:1001 EDEPTH nesting deeper than the limit "
                             "of 1000 levels (max-depth)\n");
    free(got);
}

static void read_record_size_limit(void **state)
{
    (void)state;
    read_case nd = {NZ_FORMAT_NDJSON, 0, 0, 10};
    EXPECT("[1,2]\n[\"0123456789\"]\n[3]\n", nd,
           "[1,2] @1:1\n"
           "! 2:1 ETOOBIG record larger than the limit of 10 bytes "
           "(max-record-size)\n"
           "[3] @3:1\n");
    read_case json = {NZ_FORMAT_JSON, 0, 0, 10};
    EXPECT("[1]\n  [\"0123456789\"] [2]", json,
           "[1] @1:1\n"
           "! 2:3 ETOOBIG record larger than the limit of 10 bytes "
           "(max-record-size)\n");
}

static void read_concatenated_values_and_positions(void **state)
{
    (void)state;
    EXPECT(" 1 2 \"x\" [1,\n2] {\"a\" :\n {\"b\":[true]}}  null\ntrue", JSON,
           "1 @1:2\n2 @1:4\n\"x\" @1:6\n[1,2] @1:10\n"
           "{\"a\":{\"b\":[true]}} @2:4\nnull @3:17\ntrue @4:1\n");
    EXPECT("{\"a\":1}{\"b\":2}[3]\"s\"", JSON,
           "{\"a\":1} @1:1\n{\"b\":2} @1:8\n[3] @1:15\n\"s\" @1:18\n");
}

static void read_json_error_is_final(void **state)
{
    (void)state;
    EXPECT("[1] [2,] [3]", JSON,
           "[1] @1:1\n! 1:8 ESYNTAX invalid JSON: unexpected token near ']'\n");
}

static void read_truncated_input(void **state)
{
    (void)state;
    EXPECT("{\"a\": [1, 2", JSON,
           "! 1:12 ESYNTAX invalid JSON: unexpected end of input (']' "
           "expected)\n");
    EXPECT("\"abc", JSON,
           "! 1:5 ESYNTAX invalid JSON: unexpected end of input (unterminated "
           "string)\n");
    /* In NDJSON a record ends with its line, not with the file. */
    EXPECT("[1,2\n3]\n", NDJSON,
           "! 1:5 ESYNTAX invalid JSON: unexpected end of line (']' "
           "expected)\n"
           "! 2:2 ESYNTAX unexpected data after the value: NDJSON holds one "
           "JSON value per line\n");
}

static void read_error_columns_inside_and_at_strings(void **state)
{
    (void)state;
    /* An unexpected string: its opening quote. */
    EXPECT("{\"a\":1 \"bcd\":2}\n", NDJSON,
           "! 1:8 ESYNTAX invalid JSON: '}' expected near '\"bcd\"'\n");
    /* A raw control character: the character itself. */
    EXPECT("[\"tab\there\"]\n[\"\tx\"]\n", NDJSON,
           "! 1:6 ESYNTAX invalid JSON: control character 0x9 near "
           "'\"tab'\n"
           "! 2:3 ESYNTAX invalid JSON: control character 0x9 near '\"'\n");
}

static void read_stray_bytes_named(void **state)
{
    (void)state;
    EXPECT("\x1e[1]\n", NDJSON,
           "! 1:1 ESYNTAX record separator (RS, 0x1E) in input: this looks "
           "like a JSON text sequence (read it as json-seq)\n");
    EXPECT("1\n\xEF\xBB\xBF[2]\n", NDJSON,
           "1 @1:1\n"
           "! 2:1 ESYNTAX byte order mark (U+FEFF) in the middle of the "
           "input: only the start of a file may have one\n");
}

static void read_single_value(void **state)
{
    (void)state;
    read_case one = {NZ_FORMAT_JSON, NZ_READ_SINGLE_VALUE, 0, 0};
    EXPECT("\n {\"a\":1}\n\n", one, "{\"a\":1} @2:2\n");
    EXPECT("{\"a\":1}\n{\"b\":2}", one,
           "{\"a\":1} @1:1\n! 2:1 ESYNTAX unexpected data after the JSON value "
           "(the input must hold a single value)\n");
    EXPECT("  \n", one, "! 2:1 ESYNTAX empty input: expected a JSON value\n");
}

static void read_empty_input_is_no_records(void **state)
{
    (void)state;
    EXPECT("", JSON, "");
    EXPECT(" \n\n", NDJSON, "");
    EXPECT("", SEQ, "");
}

static void read_json_seq(void **state)
{
    (void)state;
    EXPECT("\x1e{\"a\":1}\n\x1e\x1e[2,\n3]\n\x1e\"s\"\n", SEQ,
           "{\"a\":1} @1:2\n[2,3] @2:3\n\"s\" @4:2\n");
    EXPECT("\x1e" "12", SEQ,
           "! 1:2 ESYNTAX possibly truncated element: a number or literal "
           "must be followed by a newline\n");
    EXPECT("junk\x1e" "1\n", SEQ,
           "! 1:1 ESYNTAX JSON text sequence element does not start with the "
           "record separator (RS, 0x1E)\n"
           "1 @1:6\n");
}

static void read_bom_is_skipped(void **state)
{
    (void)state;
    EXPECT("\xEF\xBB\xBF{\"a\":1}\n", NDJSON, "{\"a\":1} @1:1\n");
}

static void read_unicode_columns_count_characters(void **state)
{
    (void)state;
    /* "é" is two bytes but one column. */
    EXPECT("{\"\xC3\xA9\":1,,}\n", NDJSON,
           "! 1:8 ESYNTAX invalid JSON: string or '}' expected near ','\n");
}

static void locate_one(const char *input, const char *pointer, int expect_rc,
                       unsigned long line, unsigned long col, unsigned flags)
{
    nz_read_options o;
    nz_read_options_init(&o);
    o.format = NZ_FORMAT_JSON;
    o.flags = flags;
    nz_reader *r;
    assert_int_equal(nz_reader_open_memory(&r, input, strlen(input), &o, NULL),
                     NZ_OK);
    json_t *v;
    assert_int_equal(nz_reader_next(r, &v, NULL), 1);
    nz_position p = {0, 0, 0};
    assert_int_equal(nz_reader_locate(r, pointer, &p), expect_rc);
    if (expect_rc == NZ_OK) {
        assert_int_equal(p.line, line);
        assert_int_equal(p.column, col);
    }
    json_decref(v);
    nz_reader_close(&r);
}

static void locate_nodes_by_pointer(void **state)
{
    (void)state;
    const char *doc = "{\n"
                      "  \"items\": [\n"
                      "    {\"name\": \"a\", \"tags\": [1, 2]},\n"
                      "    {\"name\": \"b\"}\n"
                      "  ],\n"
                      "  \"a/b\": 1, \"m~n\": 2, \"\\u00e9\": 3, \"\": 4\n"
                      "}";
    locate_one(doc, "", NZ_OK, 1, 1, 0);
    locate_one(doc, "/items", NZ_OK, 2, 12, 0);
    locate_one(doc, "/items/0/name", NZ_OK, 3, 14, 0);
    locate_one(doc, "/items/0/tags/1", NZ_OK, 3, 31, 0);
    locate_one(doc, "/items/1", NZ_OK, 4, 5, 0);
    locate_one(doc, "/a~1b", NZ_OK, 6, 10, 0);
    locate_one(doc, "/m~0n", NZ_OK, 6, 20, 0);
    locate_one(doc, "/\xC3\xA9", NZ_OK, 6, 33, 0);
    locate_one(doc, "/", NZ_OK, 6, 40, 0);
    locate_one(doc, "/items/2", NZ_ENOTFOUND, 0, 0, 0);
    locate_one(doc, "/items/01", NZ_ENOTFOUND, 0, 0, 0);
    locate_one(doc, "/nope", NZ_ENOTFOUND, 0, 0, 0);
    locate_one(doc, "/items/0/name/x", NZ_ENOTFOUND, 0, 0, 0);
    locate_one(doc, "items", NZ_EINVAL, 0, 0, 0);
    locate_one(doc, "/m~2n", NZ_EINVAL, 0, 0, 0);
    /* With last-wins duplicates the tree holds the last value: so does locate. */
    locate_one("{\"a\":1, \"a\":2}", "/a", NZ_OK, 1, 13,
               NZ_READ_DUPLICATE_KEYS_LAST);
}

static void locate_without_record(void **state)
{
    (void)state;
    nz_reader *r;
    assert_int_equal(nz_reader_open_memory(&r, "", 0, NULL, NULL), NZ_OK);
    nz_position p;
    assert_int_equal(nz_reader_locate(r, "", &p), NZ_ENOTFOUND);
    assert_int_equal(nz_reader_locate(NULL, "", &p), NZ_EINVAL);
    nz_reader_close(&r);
}

static void open_checks_arguments(void **state)
{
    (void)state;
    nz_reader *r = (nz_reader *)&r;
    nz_diag d;
    assert_int_equal(nz_reader_open_memory(NULL, "", 0, NULL, &d), NZ_EINVAL);
    assert_int_equal(nz_reader_open_memory(&r, NULL, 3, NULL, &d), NZ_EINVAL);
    assert_null(r);
    assert_int_equal(nz_reader_open_fd(&r, -1, NULL, &d), NZ_EINVAL);
    assert_int_equal(nz_reader_open_file(&r, NULL, NULL, &d), NZ_EINVAL);
    nz_read_options o;
    nz_read_options_init(&o);
    o.flags = 1u << 30;
    assert_int_equal(nz_reader_open_memory(&r, "1", 1, &o, &d), NZ_EINVAL);
    nz_read_options_init(&o);
    o.format = (nz_format)99;
    assert_int_equal(nz_reader_open_memory(&r, "1", 1, &o, &d), NZ_EFORMAT);
    assert_int_equal(d.code, NZ_EFORMAT);
    nz_reader_close(NULL);
    assert_int_equal(nz_reader_next(NULL, NULL, &d), NZ_EINVAL);
}

static void open_guesses_format_from_name(void **state)
{
    (void)state;
    nz_read_options o;
    nz_read_options_init(&o);
    o.source_name = "events.jsonl";
    nz_reader *r;
    /* As NDJSON the bad first line does not stop the second. */
    assert_int_equal(nz_reader_open_memory(&r, "[\n2\n", 4, &o, NULL), NZ_OK);
    json_t *v;
    assert_true(nz_reader_next(r, &v, NULL) < 0);
    assert_int_equal(nz_reader_next(r, &v, NULL), 1);
    assert_int_equal(json_integer_value(v), 2);
    json_decref(v);
    assert_string_equal(nz_reader_source_name(r), "events.jsonl");
    nz_reader_close(&r);
}

static void format_names(void **state)
{
    (void)state;
    assert_int_equal(nz_format_from_name("NDJSON"), NZ_FORMAT_NDJSON);
    assert_int_equal(nz_format_from_name("jsonl"), NZ_FORMAT_NDJSON);
    assert_int_equal(nz_format_from_name("json-seq"), NZ_FORMAT_JSON_SEQ);
    assert_int_equal(nz_format_from_name("toml"), NZ_FORMAT_AUTO);
    assert_int_equal(nz_format_from_name("YML"), NZ_FORMAT_YAML);
    assert_int_equal(nz_format_from_name(NULL), NZ_FORMAT_AUTO);
    assert_int_equal(nz_format_from_path("dir.json/x.ndjson"), NZ_FORMAT_NDJSON);
    assert_int_equal(nz_format_from_path("a/b.JSON"), NZ_FORMAT_JSON);
    assert_int_equal(nz_format_from_path("a.json/noext"), NZ_FORMAT_AUTO);
    assert_int_equal(nz_format_from_path(".json"), NZ_FORMAT_AUTO);
    assert_string_equal(nz_format_name(NZ_FORMAT_JSON_SEQ), "json-seq");
    assert_null(nz_format_name((nz_format)77));
}

static void read_from_stdio_stream(void **state)
{
    (void)state;
    FILE *fp = tmpfile();
    assert_non_null(fp);
    fputs("{\"a\":1}\n{\"a\":2}\n", fp);
    rewind(fp);
    nz_read_options o;
    nz_read_options_init(&o);
    o.format = NZ_FORMAT_NDJSON;
    nz_reader *r;
    assert_int_equal(nz_reader_open_file(&r, fp, &o, NULL), NZ_OK);
    json_t *v;
    int n = 0;
    while (nz_reader_next(r, &v, NULL) == 1) {
        n++;
        assert_int_equal(json_integer_value(json_object_get(v, "a")), n);
        json_decref(v);
    }
    assert_int_equal(n, 2);
    nz_reader_close(&r);
    fclose(fp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(read_ndjson_blank_lines_and_crlf),
        cmocka_unit_test(read_ndjson_last_line_without_newline),
        cmocka_unit_test(read_ndjson_error_points_at_fault_and_goes_on),
        cmocka_unit_test(read_ndjson_two_values_on_a_line),
        cmocka_unit_test(read_duplicate_key_names_key_and_first_place),
        cmocka_unit_test(read_duplicate_key_last_wins_on_request),
        cmocka_unit_test(read_numbers_out_of_range),
        cmocka_unit_test(read_invalid_utf8_and_nul),
        cmocka_unit_test(read_lone_surrogate_escape),
        cmocka_unit_test(read_depth_limit_in_every_framing),
        cmocka_unit_test(read_depth_limit_default_and_ceiling),
        cmocka_unit_test(read_record_size_limit),
        cmocka_unit_test(read_concatenated_values_and_positions),
        cmocka_unit_test(read_json_error_is_final),
        cmocka_unit_test(read_truncated_input),
        cmocka_unit_test(read_error_columns_inside_and_at_strings),
        cmocka_unit_test(read_stray_bytes_named),
        cmocka_unit_test(read_single_value),
        cmocka_unit_test(read_empty_input_is_no_records),
        cmocka_unit_test(read_json_seq),
        cmocka_unit_test(read_bom_is_skipped),
        cmocka_unit_test(read_unicode_columns_count_characters),
        cmocka_unit_test(locate_nodes_by_pointer),
        cmocka_unit_test(locate_without_record),
        cmocka_unit_test(open_checks_arguments),
        cmocka_unit_test(open_guesses_format_from_name),
        cmocka_unit_test(format_names),
        cmocka_unit_test(read_from_stdio_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
