/* JSON writer: the exact bytes users get from nz_write_string() and the
 * nz_writer_* API (styles, escaping, numbers, RFC 8785, framing, errors).
 */
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "normalize/normalize.h"
#include "write/json_number.h"

/* ---- helpers ---------------------------------------------------------- */

/* Serialise v with nz_write_string and compare the bytes. */
static void expect_text(const json_t *v, unsigned flags, int indent,
                        const char *expected)
{
    nz_write_options o;
    nz_write_options_init(&o);
    o.flags = flags;
    o.indent = indent;
    char *text = NULL;
    size_t size = 0;
    assert_int_equal(nz_write_string(v, &o, &text, &size), NZ_OK);
    assert_non_null(text);
    assert_string_equal(text, expected);
    assert_int_equal(size, strlen(expected));
    nz_free(text);
}

/* Parse JSON with jansson (any value, keys may hold \u0000). */
static json_t *parse(const char *json)
{
    json_error_t err;
    json_t *v = json_loads(json, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
    if (!v)
        fail_msg("test input does not parse: %s: %s", json, err.text);
    return v;
}

static void expect_json(const char *input, unsigned flags, int indent,
                        const char *expected)
{
    json_t *v = parse(input);
    expect_text(v, flags, indent, expected);
    json_decref(v);
}

static json_t *double_from_bits(uint64_t bits)
{
    double d;
    memcpy(&d, &bits, sizeof d);
    return json_real(d);
}

/* A sink that keeps everything, or fails with a chosen code. */
typedef struct capture {
    char *data;
    size_t len;
    size_t cap;
    int calls;
    int fail_with; /* 0 = accept */
} capture;

static int capture_fn(const char *data, size_t size, void *ctx)
{
    capture *c = ctx;
    c->calls++;
    if (c->fail_with)
        return c->fail_with;
    if (c->len + size + 1 > c->cap) {
        size_t cap = c->cap ? c->cap : 256;
        while (cap < c->len + size + 1)
            cap *= 2;
        char *p = realloc(c->data, cap);
        if (!p)
            return NZ_ENOMEM;
        c->data = p;
        c->cap = cap;
    }
    memcpy(c->data + c->len, data, size);
    c->len += size;
    c->data[c->len] = '\0';
    return 0;
}

static nz_writer *open_capture(capture *c, nz_format format, unsigned flags,
                               int indent)
{
    memset(c, 0, sizeof *c);
    nz_write_options o;
    nz_write_options_init(&o);
    o.format = format;
    o.flags = flags;
    o.indent = indent;
    nz_writer *w = NULL;
    nz_diag d = {0};
    assert_int_equal(nz_writer_open_callback(&w, capture_fn, c, &o, &d),
                     NZ_OK);
    assert_non_null(w);
    return w;
}

static void expect_captured(const capture *c, const char *expected,
                            size_t expected_len)
{
    assert_int_equal(c->len, expected_len);
    assert_memory_equal(c->data, expected, expected_len);
}

static void write_json(nz_writer *w, const char *json)
{
    json_t *v = parse(json);
    nz_diag d = {0};
    assert_int_equal(nz_writer_write(w, v, &d), NZ_OK);
    json_decref(v);
}

/* ---- styles ----------------------------------------------------------- */

static void write_compact(void **state)
{
    (void)state;
    json_t *v = json_pack("{s:i,s:[i,i]}", "a", 1, "b", 1, 2);
    expect_text(v, 0, 0, "{\"a\":1,\"b\":[1,2]}");
    json_decref(v);
    /* members stay in the order they were added */
    expect_json("{\"z\":true,\"a\":false,\"m\":null,\"s\":\"x\",\"e\":{},"
                "\"l\":[]}",
                0, 0,
                "{\"z\":true,\"a\":false,\"m\":null,\"s\":\"x\",\"e\":{},"
                "\"l\":[]}");
    expect_json("\"top\"", 0, 0, "\"top\"");
    expect_json("null", 0, 0, "null");
    expect_json("[]", 0, 2, "[]");
    expect_json("{}", 0, 2, "{}");
}

static void write_pretty_indent_2(void **state)
{
    (void)state;
    expect_json("{\"a\":1,\"b\":[1]}", 0, 2,
                "{\n  \"a\": 1,\n  \"b\": [\n    1\n  ]\n}");
    /* the same bytes as `jq --indent 2 .` */
    expect_json("{\"a\":{},\"b\":[],\"c\":[{},[]],"
                "\"d\":{\"e\":[1,{\"f\":null}]}}",
                0, 2,
                "{\n"
                "  \"a\": {},\n"
                "  \"b\": [],\n"
                "  \"c\": [\n"
                "    {},\n"
                "    []\n"
                "  ],\n"
                "  \"d\": {\n"
                "    \"e\": [\n"
                "      1,\n"
                "      {\n"
                "        \"f\": null\n"
                "      }\n"
                "    ]\n"
                "  }\n"
                "}");
}

static void write_pretty_indent_4(void **state)
{
    (void)state;
    expect_json("{\"a\":{},\"c\":[{},[]]}", 0, 4,
                "{\n"
                "    \"a\": {},\n"
                "    \"c\": [\n"
                "        {},\n"
                "        []\n"
                "    ]\n"
                "}");
    expect_json("[[[1]]]", 0, 16,
                "[\n"
                "                [\n"
                "                                [\n"
                "                                                1\n"
                "                                ]\n"
                "                ]\n"
                "]");
}

static void write_sort_keys(void **state)
{
    (void)state;
    /* byte order of UTF-8 = code point order; nested objects too */
    expect_json("{\"b\":1,\"\\u00e9\":2,\"a\":{\"d\":1,\"c\":[{\"y\":0,"
                "\"x\":0}]},\"B\":3,\"ab\":4,\"\":5}",
                NZ_WRITE_SORT_KEYS, 0,
                "{\"\":5,\"B\":3,\"a\":{\"c\":[{\"x\":0,\"y\":0}],\"d\":1},"
                "\"ab\":4,\"b\":1,\"\xc3\xa9\":2}");
    expect_json("{\"b\":1,\"a\":2}", NZ_WRITE_SORT_KEYS, 2,
                "{\n  \"a\": 2,\n  \"b\": 1\n}");
    /* a big object (sorted another way than small ones) */
    json_t *big = json_object();
    char want[1024] = "{";
    for (int i = 39; i >= 0; i--) {
        char key[8];
        snprintf(key, sizeof key, "k%02d", i);
        json_object_set_new(big, key, json_integer(i));
    }
    for (int i = 0; i < 40; i++) {
        size_t len = strlen(want);
        snprintf(want + len, sizeof want - len, "%s\"k%02d\":%d",
                 i ? "," : "", i, i);
    }
    strcat(want, "}");
    expect_text(big, NZ_WRITE_SORT_KEYS, 0, want);
    expect_text(big, NZ_WRITE_CANONICAL, 0, want);
    json_decref(big);
    /* code point order puts U+1F600 after U+FB33 (RFC 8785 does not) */
    expect_json("{\"\\ud83d\\ude00\":1,\"\\ufb33\":2}", NZ_WRITE_SORT_KEYS, 0,
                "{\"\xef\xac\xb3\":2,\"\xf0\x9f\x98\x80\":1}");
}

static void write_ascii(void **state)
{
    (void)state;
    /* DEL is escaped too, so ASCII output is all printable */
    expect_json("\"caf\\u00e9 \\ud83d\\ude00 \\u20ac \\uffff \\u007f\"",
                NZ_WRITE_ASCII, 0,
                "\"caf\\u00e9 \\ud83d\\ude00 \\u20ac \\uffff \\u007f\"");
    expect_json("{\"\\u00e9\":\"\\u0080\"}", NZ_WRITE_ASCII, 0,
                "{\"\\u00e9\":\"\\u0080\"}");
    /* without the flag, non-ASCII text is written as is */
    expect_json("\"caf\\u00e9 \\ud83d\\ude00\"", 0, 0,
                "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");
}

static void write_escapes_every_control(void **state)
{
    (void)state;
    char raw[40];
    for (int i = 0; i < 32; i++)
        raw[i] = (char)i;
    memcpy(raw + 32, "\"\\/\x7f", 4);
    json_t *v = json_stringn(raw, 36);
    const char *expected =
        "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007"
        "\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f"
        "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017"
        "\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f"
        "\\\"\\\\/\x7f\"";
    expect_text(v, 0, 0, expected);
    /* RFC 8785 escapes exactly the same way */
    expect_text(v, NZ_WRITE_CANONICAL, 0, expected);
    json_decref(v);
}

static void write_strings_with_nul(void **state)
{
    (void)state;
    json_t *s = json_stringn("a\0b", 3);
    expect_text(s, 0, 0, "\"a\\u0000b\"");
    json_decref(s);
    json_t *o = json_object();
    assert_int_equal(json_object_setn_new(o, "k\0y", 3, json_integer(1)), 0);
    assert_int_equal(json_object_setn_new(o, "k", 1, json_integer(2)), 0);
    expect_text(o, 0, 0, "{\"k\\u0000y\":1,\"k\":2}");
    expect_text(o, NZ_WRITE_SORT_KEYS, 0, "{\"k\":2,\"k\\u0000y\":1}");
    json_decref(o);
}

static void write_long_strings(void **state)
{
    (void)state;
    /* longer than the 64 KiB output buffer, with escapes at both ends */
    size_t n = 200000;
    char *raw = malloc(n);
    assert_non_null(raw);
    memset(raw, 'x', n);
    raw[0] = '\n';
    raw[n - 1] = '"';
    json_t *v = json_stringn(raw, n);
    char *text = NULL;
    size_t size = 0;
    assert_int_equal(nz_write_string(v, NULL, &text, &size), NZ_OK);
    assert_int_equal(size, n + 4);
    assert_memory_equal(text, "\"\\nxxx", 6);
    assert_string_equal(text + size - 6, "xxx\\\"\"");
    assert_int_equal(strlen(text), size);
    nz_free(text);
    json_decref(v);
    free(raw);
}

/* ---- numbers ---------------------------------------------------------- */

static void expect_real(double d, const char *expected)
{
    char buf[NZ_JSON_NUMBER_MAX];
    assert_int_equal(nz_print_real(buf, d), strlen(expected));
    assert_string_equal(buf, expected);
    json_t *v = json_real(d);
    expect_text(v, 0, 0, expected);
    json_decref(v);
}

static void write_reals(void **state)
{
    (void)state;
    expect_real(0.1, "0.1");
    expect_real(1.0, "1.0");
    expect_real(-1.5, "-1.5");
    expect_real(0.0, "0.0");
    expect_real(-0.0, "-0.0");
    expect_real(1e300, "1e+300");
    expect_real(5e-324, "5e-324");
    expect_real(123456789.125, "123456789.125");
    expect_real(1e15, "1000000000000000.0");
    expect_real(1e16, "1e+16");
    expect_real(1.5e16, "1.5e+16");
    expect_real(0.0001, "0.0001");
    expect_real(1e-5, "1e-05");
    expect_real(0.1 + 0.2, "0.30000000000000004");
    expect_real(1.7976931348623157e308, "1.7976931348623157e+308");
    expect_real(2.2250738585072014e-308, "2.2250738585072014e-308");
    expect_real(9007199254740993.0, "9007199254740992.0");
    expect_real(100.0, "100.0");
    expect_real(-123e-20, "-1.23e-18");
}

/* xorshift64: the same "random" doubles on every run. */
static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Count significant digits in a text nz_print_real wrote. */
static int significant_digits(const char *t)
{
    int n = 0, started = 0, trailing_zeros = 0;
    for (; *t && *t != 'e'; t++) {
        if (*t < '0' || *t > '9')
            continue;
        if (*t != '0')
            started = 1;
        if (!started)
            continue;
        n++;
        trailing_zeros = *t == '0' ? trailing_zeros + 1 : 0;
    }
    return n - trailing_zeros;
}

static void write_reals_round_trip_shortest(void **state)
{
    (void)state;
    uint64_t seed = 0x9E3779B97F4A7C15u;
    for (int i = 0; i < 200000; i++) {
        uint64_t bits = next_random(&seed);
        double d;
        memcpy(&d, &bits, sizeof d);
        if (!isfinite(d))
            continue;
        char buf[NZ_JSON_NUMBER_MAX], es[NZ_JSON_NUMBER_MAX], fewer[64];
        assert_true(nz_print_real(buf, d) > 0);
        /* reads back as the same double, and as a real */
        if (strtod(buf, NULL) != d)
            fail_msg("%a written as %s does not read back", d, buf);
        assert_non_null(strpbrk(buf, ".e"));
        /* no decimal with one digit fewer reads back as d */
        int k = significant_digits(buf);
        if (k > 1) {
            snprintf(fewer, sizeof fewer, "%.*e", k - 2, d);
            if (strtod(fewer, NULL) == d)
                fail_msg("%a written as %s but %s is shorter", d, buf, fewer);
        }
        /* ECMAScript text has the same digits */
        assert_true(nz_print_ecmascript(es, d) > 0);
        if (d != 0 && strtod(es, NULL) != d)
            fail_msg("%a written as %s (ECMAScript) does not read back", d,
                     es);
        assert_int_equal(significant_digits(es), k);
    }
}

static void write_reals_ignore_locale(void **state)
{
    (void)state;
    static const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                                  "fr_FR.utf8", "ru_RU.UTF-8", "de_DE"};
    const char *set = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !set; i++)
        set = setlocale(LC_NUMERIC, names[i]);
    if (!set || strcmp(localeconv()->decimal_point, ".") == 0) {
        setlocale(LC_NUMERIC, "C");
        skip(); /* no locale with a decimal comma installed */
    }
    json_t *v = parse("[0.5, 1.0, 1e300, 123456789.125]");
    char *text = NULL;
    int rc = nz_write_string(v, NULL, &text, NULL);
    setlocale(LC_NUMERIC, "C");
    assert_int_equal(rc, NZ_OK);
    assert_string_equal(text, "[0.5,1.0,1e+300,123456789.125]");
    nz_free(text);
    json_decref(v);
}

static void expect_integer(json_int_t i, const char *expected)
{
    char buf[NZ_JSON_NUMBER_MAX];
    assert_int_equal(nz_print_integer(buf, i), strlen(expected));
    assert_string_equal(buf, expected);
    json_t *v = json_integer(i);
    expect_text(v, 0, 0, expected);
    json_decref(v);
}

static void write_integers(void **state)
{
    (void)state;
    expect_integer(0, "0");
    expect_integer(7, "7");
    expect_integer(-1, "-1");
    expect_integer(10, "10");
    expect_integer(99, "99");
    expect_integer(100, "100");
    expect_integer(-12345, "-12345");
    expect_integer(LLONG_MAX, "9223372036854775807");
    expect_integer(LLONG_MIN, "-9223372036854775808");
    expect_integer(1000000000000000000LL, "1000000000000000000");
}

static void write_non_finite_has_no_text(void **state)
{
    (void)state;
    char buf[NZ_JSON_NUMBER_MAX];
    nz_decimal dec;
    assert_int_equal(nz_print_real(buf, NAN), 0);
    assert_int_equal(nz_print_real(buf, INFINITY), 0);
    assert_int_equal(nz_print_real(buf, -INFINITY), 0);
    assert_int_equal(nz_print_ecmascript(buf, NAN), 0);
    assert_int_equal(nz_print_ecmascript(buf, INFINITY), 0);
    assert_int_equal(nz_shortest_decimal(NAN, &dec), -1);
}

/* RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical text. */
static void write_canonical_numbers_rfc8785_appendix_b(void **state)
{
    (void)state;
    static const struct {
        uint64_t bits;
        const char *text;
    } table[] = {
        {0x0000000000000000u, "0"},
        {0x8000000000000000u, "0"},
        {0x0000000000000001u, "5e-324"},
        {0x8000000000000001u, "-5e-324"},
        {0x7fefffffffffffffu, "1.7976931348623157e+308"},
        {0xffefffffffffffffu, "-1.7976931348623157e+308"},
        {0x4340000000000000u, "9007199254740992"},
        {0xc340000000000000u, "-9007199254740992"},
        {0x4430000000000000u, "295147905179352830000"},
        {0x44b52d02c7e14af5u, "9.999999999999997e+22"},
        {0x44b52d02c7e14af6u, "1e+23"},
        {0x44b52d02c7e14af7u, "1.0000000000000001e+23"},
        {0x444b1ae4d6e2ef4eu, "999999999999999700000"},
        {0x444b1ae4d6e2ef4fu, "999999999999999900000"},
        {0x444b1ae4d6e2ef50u, "1e+21"},
        {0x3eb0c6f7a0b5ed8cu, "9.999999999999997e-7"},
        {0x3eb0c6f7a0b5ed8du, "0.000001"},
        {0x41b3de4355555553u, "333333333.3333332"},
        {0x41b3de4355555554u, "333333333.33333325"},
        {0x41b3de4355555555u, "333333333.3333333"},
        {0x41b3de4355555556u, "333333333.3333334"},
        {0x41b3de4355555557u, "333333333.33333343"},
        {0xbecbf647612f3696u, "-0.0000033333333333333333"},
        {0x43143ff3c1cb0959u, "1424953923781206.2"},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        char buf[NZ_JSON_NUMBER_MAX];
        double d;
        memcpy(&d, &table[i].bits, sizeof d);
        size_t n = nz_print_ecmascript(buf, d);
        if (strcmp(buf, table[i].text) != 0)
            fail_msg("0x%016llx: got %s, want %s",
                     (unsigned long long)table[i].bits, buf, table[i].text);
        assert_int_equal(n, strlen(table[i].text));
        json_t *v = double_from_bits(table[i].bits);
        expect_text(v, NZ_WRITE_CANONICAL, 0, table[i].text);
        json_decref(v);
    }
    /* the RFC's NaN and Infinity rows have no JSON form */
    uint64_t nan_bits = 0x7fffffffffffffffu, inf_bits = 0x7ff0000000000000u;
    double nan_value, inf_value;
    memcpy(&nan_value, &nan_bits, sizeof nan_value);
    memcpy(&inf_value, &inf_bits, sizeof inf_value);
    char buf[NZ_JSON_NUMBER_MAX];
    assert_int_equal(nz_print_ecmascript(buf, nan_value), 0);
    assert_int_equal(nz_print_ecmascript(buf, inf_value), 0);
}

static void expect_ecmascript(double d, const char *expected)
{
    char buf[NZ_JSON_NUMBER_MAX];
    assert_int_equal(nz_print_ecmascript(buf, d), strlen(expected));
    assert_string_equal(buf, expected);
}

static void write_canonical_numbers_ecmascript_layout(void **state)
{
    (void)state;
    expect_ecmascript(1e21, "1e+21");
    expect_ecmascript(1e20, "100000000000000000000");
    expect_ecmascript(123e18, "123000000000000000000");
    expect_ecmascript(1.5e21, "1.5e+21");
    expect_ecmascript(0.000001, "0.000001");
    expect_ecmascript(0.0000015, "0.0000015");
    expect_ecmascript(1e-7, "1e-7");
    expect_ecmascript(-1.5e-7, "-1.5e-7");
    expect_ecmascript(-0.0, "0");
    expect_ecmascript(1.0, "1");
    expect_ecmascript(4.5, "4.5");
    expect_ecmascript(0.002, "0.002");
    expect_ecmascript(1e-27, "1e-27");
    expect_ecmascript(1e30, "1e+30");
    expect_ecmascript(123456.789, "123456.789");
}

static void write_canonical_integers_are_doubles(void **state)
{
    (void)state;
    /* RFC 8785 numbers are IEEE doubles: 2^53 + 1 has no exact form */
    expect_json("[0, -7, 9007199254740993, 9223372036854775807, "
                "-9223372036854775808]",
                NZ_WRITE_CANONICAL, 0,
                "[0,-7,9007199254740992,9223372036854776000,"
                "-9223372036854776000]");
}

/* RFC 8785 section 3.2.3: keys sorted by UTF-16 code units. */
static void write_canonical_sorts_keys_by_utf16(void **state)
{
    (void)state;
    expect_json("{\n"
                "  \"\\u20ac\": \"Euro Sign\",\n"
                "  \"\\r\": \"Carriage Return\",\n"
                "  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n"
                "  \"1\": \"One\",\n"
                "  \"\\ud83d\\ude00\": \"Emoji: Grinning Face\",\n"
                "  \"\\u0080\": \"Control\",\n"
                "  \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"\n"
                "}",
                NZ_WRITE_CANONICAL, 0,
                "{\"\\r\":\"Carriage Return\","
                "\"1\":\"One\","
                "\"\xc2\x80\":\"Control\","
                "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\","
                "\"\xe2\x82\xac\":\"Euro Sign\","
                "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\","
                "\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
    /* a prefix sorts first; nested objects are sorted too */
    expect_json("{\"ab\":{\"y\":1,\"x\":2},\"a\":0}", NZ_WRITE_CANONICAL, 0,
                "{\"a\":0,\"ab\":{\"x\":2,\"y\":1}}");
}

/* RFC 8785 section 3.2.2 sample, with indent/ASCII/SORT ignored. */
static void write_canonical_rfc8785_sample(void **state)
{
    (void)state;
    const char *input =
        "{\n"
        "  \"numbers\": [333333333.33333329, 1E30, 4.50,\n"
        "              2e-3, 0.000000000000000000000000001],\n"
        "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\"
        "\\\"\\/\",\n"
        "  \"literals\": [null, true, false]\n"
        "}";
    const char *expected =
        "{\"literals\":[null,true,false],"
        "\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
        "\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
    expect_json(input, NZ_WRITE_CANONICAL, 0, expected);
    expect_json(input,
                NZ_WRITE_CANONICAL | NZ_WRITE_ASCII | NZ_WRITE_SORT_KEYS, 4,
                expected);
}

/* ---- errors in values ------------------------------------------------- */

static void write_rejects_invalid_utf8_with_path(void **state)
{
    (void)state;
    json_t *v = parse("{\"a\":[1,{\"k/~\":null}]}");
    json_t *inner = json_array_get(json_object_get(v, "a"), 1);
    json_object_set_new(inner, "k/~", json_stringn_nocheck("ok\xff", 3));
    capture c;
    nz_writer *w = open_capture(&c, NZ_FORMAT_JSON, 0, 0);
    write_json(w, "1");
    nz_diag d = {0};
    assert_int_equal(nz_writer_write(w, v, &d), NZ_EUNREPRESENTABLE);
    assert_int_equal(d.code, NZ_EUNREPRESENTABLE);
    assert_string_equal(d.path, "/a/1/k~1~0");
    assert_string_equal(d.text,
                        "string is not valid UTF-8 (byte 0xFF at offset 2)");
    char line[2048];
    nz_diag_format(&d, line, sizeof line);
    assert_string_equal(line, "<output>: error: string is not valid UTF-8 "
                              "(byte 0xFF at offset 2) (at /a/1/k~1~0)");
    /* the failed record was taken back; the writer goes on */
    write_json(w, "2");
    assert_int_equal(nz_writer_finish(w, &d), NZ_OK);
    expect_captured(&c, "1\n2\n", 4);
    nz_writer_close(&w);
    free(c.data);

    /* same for keys, and in nz_write_string */
    json_t *o = json_object();
    json_object_setn_new_nocheck(o, "\xc3", 1, json_true());
    static char sentinel[] = "unchanged";
    char *text = sentinel;
    assert_int_equal(nz_write_string(o, NULL, &text, NULL),
                     NZ_EUNREPRESENTABLE);
    assert_null(text);
    json_decref(o);
    json_decref(v);
}

static json_t *nested_arrays(int depth)
{
    json_t *v = json_integer(0);
    for (int i = 0; i < depth; i++) {
        json_t *a = json_array();
        json_array_append_new(a, v);
        v = a;
    }
    return v;
}

static void write_depth_limit(void **state)
{
    (void)state;
    json_t *ok = nested_arrays(NZ_READ_JSON_DEPTH_LIMIT);
    json_t *deep = nested_arrays(NZ_READ_JSON_DEPTH_LIMIT + 1);
    char *text = NULL;
    size_t size = 0;
    assert_int_equal(nz_write_string(ok, NULL, &text, &size), NZ_OK);
    assert_int_equal(size, 2 * NZ_READ_JSON_DEPTH_LIMIT + 1);
    nz_free(text);
    assert_int_equal(nz_write_string(deep, NULL, &text, &size), NZ_EDEPTH);
    assert_null(text);

    /* compact, the too-deep record fits in the buffer: it is taken back
     * and the writer goes on */
    capture c;
    nz_writer *w = open_capture(&c, NZ_FORMAT_JSON, 0, 0);
    nz_diag d = {0};
    assert_int_equal(nz_writer_write(w, deep, &d), NZ_EDEPTH);
    assert_string_equal(d.text, "nesting deeper than 2048 levels cannot be "
                                "written");
    /* the path of the innermost array, cut short with "..." */
    assert_memory_equal(d.path, "/0/0/0/0", 8);
    assert_int_equal(strlen(d.path), NZ_DIAG_PATH_MAX - 1);
    assert_string_equal(d.path + NZ_DIAG_PATH_MAX - 4, "...");
    assert_int_equal(nz_writer_write(w, ok, &d), NZ_OK);
    assert_int_equal(nz_writer_finish(w, &d), NZ_OK);
    assert_int_equal(c.len, 2 * NZ_READ_JSON_DEPTH_LIMIT + 2);
    assert_memory_equal(c.data, "[[[[", 4);
    assert_memory_equal(c.data + c.len - 4, "]]]\n", 4);
    nz_writer_close(&w);
    free(c.data);

    /* records of an NZ_WRITE_ARRAY sit one level deeper */
    w = open_capture(&c, NZ_FORMAT_JSON, NZ_WRITE_ARRAY, 0);
    assert_int_equal(nz_writer_write(w, ok, &d), NZ_EDEPTH);
    assert_int_equal(nz_writer_finish(w, &d), NZ_OK);
    expect_captured(&c, "[]\n", 3);
    nz_writer_close(&w);
    free(c.data);

    json_decref(ok);
    json_decref(deep);
}

/* ---- writer framing --------------------------------------------------- */

static void writer_json_framing(void **state)
{
    (void)state;
    capture c;
    nz_writer *w = open_capture(&c, NZ_FORMAT_JSON, 0, 0);
    write_json(w, "{\"a\":1}");
    write_json(w, "2");
    nz_diag d = {0};
    assert_int_equal(c.len, 0); /* buffered until flush */
    assert_int_equal(nz_writer_finish(w, &d), NZ_OK);
    expect_captured(&c, "{\"a\":1}\n2\n", 10);
    nz_writer_close(&w);
    assert_null(w);
    free(c.data);

    w = open_capture(&c, NZ_FORMAT_JSON, 0, 2);
    write_json(w, "{\"a\":[1]}");
    write_json(w, "[]");
    assert_int_equal(nz_writer_finish(w, &d), NZ_OK);
    const char *want = "{\n  \"a\": [\n    1\n  ]\n}\n[]\n";
    expect_captured(&c, want, strlen(want));
    nz_writer_close(&w);
    free(c.data);
}

static void writer_array_framing(void **state)
{
    (void)state;
    capture c;
    nz_diag d = {0};
    nz_writer *w = open_capture(&c, NZ_FORMAT_JSON, NZ_WRITE_ARRAY, 0);
    write_json(w, "{\"a\":1}");
    write_json(w, "2");
    assert_int_equal(nz_writer_finish(w, &d), NZ_OK);
    expect_captured(&c, "[{\"a\":1},2]\n", 12);
    nz_writer_close(&w);
    free(c.data);

    w = open_capture(&c, NZ_FORMAT_JSON, NZ_WRITE_ARRAY, 2);
    write_json(w, "{\"a\":1}");
    write_json(w, "2");
    assert_int_equal(nz_writer_finish(w, &d), NZ_OK);
    const char *want = "[\n  {\n    \"a\": 1\n  },\n  2\n]\n";
    expect_captured(&c, want, strlen(want));
    nz_writer_close(&w);
    free(c.data);

    /* nothing written: still a valid document */
    for (int indent = 0; indent <= 2; indent += 2) {
        w = open_capture(&c, NZ_FORMAT_JSON, NZ_WRITE_ARRAY, indent);
        assert_int_equal(nz_writer_finish(w, &d), NZ_OK);
        expect_captured(&c, "[]\n", 3);
        nz_writer_close(&w);
        free(c.data);
    }

    /* canonical implies compact */
    w = open_capture(&c, NZ_FORMAT_JSON, NZ_WRITE_ARRAY | NZ_WRITE_CANONICAL,
                     4);
    write_json(w, "{\"b\":1.0,\"a\":[]}");
    write_json(w, "-0.0");
    assert_int_equal(nz_writer_finish(w, &d), NZ_OK);
    expect_captured(&c, "[{\"a\":[],\"b\":1},0]\n", 19);
    nz_writer_close(&w);
    free(c.data);
}

static void writer_ndjson_framing(void **state)
{
    (void)state;
    capture c;
    nz_diag d = {0};
    /* always compact: indent is ignored */
    nz_writer *w = open_capture(&c, NZ_FORMAT_NDJSON, NZ_WRITE_SORT_KEYS, 2);
    write_json(w, "{\"b\":[1,2],\"a\":\"x\\ny\"}");
    write_json(w, "null");
    write_json(w, "{}");
    assert_int_equal(nz_writer_finish(w, &d), NZ_OK);
    const char *want = "{\"a\":\"x\\ny\",\"b\":[1,2]}\nnull\n{}\n";
    expect_captured(&c, want, strlen(want));
    nz_writer_close(&w);
    free(c.data);
}

static void writer_json_seq_framing(void **state)
{
    (void)state;
    capture c;
    nz_diag d = {0};
    nz_writer *w = open_capture(&c, NZ_FORMAT_JSON_SEQ, 0, 0);
    write_json(w, "{\"a\":1}");
    write_json(w, "\"s\"");
    assert_int_equal(nz_writer_finish(w, &d), NZ_OK);
    expect_captured(&c, "\x1e{\"a\":1}\n\x1e\"s\"\n", 14);
    nz_writer_close(&w);
    free(c.data);

    w = open_capture(&c, NZ_FORMAT_JSON_SEQ, 0, 2);
    write_json(w, "{\"a\":1}");
    assert_int_equal(nz_writer_finish(w, &d), NZ_OK);
    expect_captured(&c, "\x1e{\n  \"a\": 1\n}\n", 14);
    nz_writer_close(&w);
    free(c.data);
}

static void writer_flush_hands_over_buffered_bytes(void **state)
{
    (void)state;
    capture c;
    nz_diag d = {0};
    nz_writer *w = open_capture(&c, NZ_FORMAT_NDJSON, 0, 0);
    write_json(w, "[1]");
    assert_int_equal(c.calls, 0);
    assert_int_equal(nz_writer_flush(w, &d), NZ_OK);
    expect_captured(&c, "[1]\n", 4);
    assert_int_equal(nz_writer_flush(w, &d), NZ_OK); /* nothing new */
    assert_int_equal(c.calls, 1);
    nz_writer_close(&w); /* does not flush */
    free(c.data);
}

static void writer_sink_error_is_sticky(void **state)
{
    (void)state;
    capture c;
    nz_diag d = {0};
    nz_writer *w = open_capture(&c, NZ_FORMAT_NDJSON, 0, 0);
    c.fail_with = NZ_EPIPE;
    write_json(w, "1"); /* buffered: the sink has not been asked yet */
    assert_int_equal(nz_writer_flush(w, &d), NZ_EPIPE);
    assert_int_equal(d.code, NZ_EPIPE);
    assert_string_equal(d.text, "cannot write the output: output closed by "
                                "the reader");
    json_t *v = json_integer(2);
    assert_int_equal(nz_writer_write(w, v, &d), NZ_EPIPE);
    assert_int_equal(nz_writer_flush(w, &d), NZ_EPIPE);
    assert_int_equal(nz_writer_finish(w, &d), NZ_EPIPE);
    assert_int_equal(nz_writer_write(w, v, &d), NZ_EPIPE);
    assert_int_equal(c.calls, 1); /* never asked again */
    nz_writer_close(&w);
    json_decref(v);

    /* a record larger than the buffer meets the failure inside write */
    w = open_capture(&c, NZ_FORMAT_JSON, 0, 0);
    c.fail_with = NZ_EIO;
    json_t *big = json_array();
    for (int i = 0; i < 30000; i++)
        json_array_append_new(big, json_integer(1000000 + i));
    assert_int_equal(nz_writer_write(w, big, &d), NZ_EIO);
    assert_int_equal(nz_writer_finish(w, &d), NZ_EIO);
    assert_int_equal(c.calls, 1);
    nz_writer_close(&w);
    json_decref(big);
}

static void writer_record_cut_by_error_stops_writer(void **state)
{
    (void)state;
    /* a bad string after more than a buffer of output: part of the record
     * has reached the sink, so it cannot be taken back */
    json_t *v = json_array();
    for (int i = 0; i < 30000; i++)
        json_array_append_new(v, json_integer(1000000 + i));
    json_array_append_new(v, json_stringn_nocheck("\xc0\xaf", 2));
    capture c;
    nz_diag d = {0};
    nz_writer *w = open_capture(&c, NZ_FORMAT_NDJSON, 0, 0);
    assert_int_equal(nz_writer_write(w, v, &d), NZ_EUNREPRESENTABLE);
    assert_string_equal(d.path, "/30000");
    assert_true(c.len > 0);
    size_t cut = c.len;
    json_t *one = json_integer(1);
    assert_int_equal(nz_writer_write(w, one, &d), NZ_ESTATE);
    assert_int_equal(nz_writer_flush(w, &d), NZ_ESTATE);
    assert_int_equal(nz_writer_finish(w, &d), NZ_ESTATE);
    assert_int_equal(c.len, cut);
    nz_writer_close(&w);
    free(c.data);
    json_decref(one);
    json_decref(v);
}

static void writer_rollback_keeps_array_valid(void **state)
{
    (void)state;
    capture c;
    nz_diag d = {0};
    nz_writer *w = open_capture(&c, NZ_FORMAT_JSON, NZ_WRITE_ARRAY, 0);
    json_t *bad = json_stringn_nocheck("\xff", 1);
    assert_int_equal(nz_writer_write(w, bad, &d), NZ_EUNREPRESENTABLE);
    assert_string_equal(d.path, "");
    write_json(w, "1");
    assert_int_equal(nz_writer_write(w, bad, &d), NZ_EUNREPRESENTABLE);
    write_json(w, "2");
    assert_int_equal(nz_writer_finish(w, &d), NZ_OK);
    expect_captured(&c, "[1,2]\n", 6);
    nz_writer_close(&w);
    free(c.data);
    json_decref(bad);
}

static void writer_state_after_finish(void **state)
{
    (void)state;
    capture c;
    nz_diag d = {0};
    nz_writer *w = open_capture(&c, NZ_FORMAT_JSON, NZ_WRITE_ARRAY, 0);
    write_json(w, "1");
    assert_int_equal(nz_writer_finish(w, &d), NZ_OK);
    json_t *v = json_integer(2);
    assert_int_equal(nz_writer_write(w, v, &d), NZ_ESTATE);
    assert_int_equal(d.code, NZ_ESTATE);
    assert_string_equal(d.text,
                        "nz_writer_write: the writer is already finished");
    assert_int_equal(nz_writer_finish(w, &d), NZ_ESTATE);
    assert_int_equal(nz_writer_flush(w, &d), NZ_OK);
    expect_captured(&c, "[1]\n", 4);
    nz_writer_close(&w);
    nz_writer_close(&w); /* NULL is fine */
    nz_writer_close(NULL);
    free(c.data);
    json_decref(v);
}

static void writer_option_validation(void **state)
{
    (void)state;
    capture c = {0};
    static int not_a_writer;
    nz_writer *w = (nz_writer *)&not_a_writer; /* must come back NULL */
    nz_write_options o;
    nz_diag d = {0};

    nz_write_options_init(&o);
    assert_int_equal(o.format, NZ_FORMAT_JSON);
    assert_int_equal(o.flags, 0);
    assert_int_equal(o.indent, 0);

    o.indent = 17;
    assert_int_equal(nz_writer_open_callback(&w, capture_fn, &c, &o, &d),
                     NZ_EINVAL);
    assert_null(w);
    assert_string_equal(d.text, "indent must be 0 to 16 spaces, not 17");
    o.indent = -1;
    assert_int_equal(nz_writer_open_callback(&w, capture_fn, &c, &o, &d),
                     NZ_EINVAL);

    nz_write_options_init(&o);
    o.flags = 1u << 10;
    assert_int_equal(nz_writer_open_callback(&w, capture_fn, &c, &o, &d),
                     NZ_EINVAL);
    assert_string_equal(d.text, "unknown write flags 0x400");

    nz_write_options_init(&o);
    o.format = NZ_FORMAT_AUTO;
    assert_int_equal(nz_writer_open_callback(&w, capture_fn, &c, &o, &d),
                     NZ_EFORMAT);
    o.format = (nz_format)99;
    assert_int_equal(nz_writer_open_callback(&w, capture_fn, &c, &o, &d),
                     NZ_EFORMAT);
    assert_int_equal(d.code, NZ_EFORMAT);

    nz_write_options_init(&o);
    o.format = NZ_FORMAT_NDJSON;
    o.flags = NZ_WRITE_ARRAY;
    assert_int_equal(nz_writer_open_callback(&w, capture_fn, &c, &o, &d),
                     NZ_EINVAL);
    assert_string_equal(d.text, "NZ_WRITE_ARRAY needs the json format, not "
                                "ndjson");

    assert_int_equal(nz_writer_open_callback(NULL, capture_fn, &c, NULL, &d),
                     NZ_EINVAL);
    assert_int_equal(nz_writer_open_callback(&w, NULL, &c, NULL, &d),
                     NZ_EINVAL);
    assert_int_equal(nz_writer_open_fd(&w, -1, NULL, &d), NZ_EINVAL);
    assert_int_equal(nz_writer_open_file(&w, NULL, NULL, NULL), NZ_EINVAL);
    assert_null(w);

    /* NULL arguments of the other calls */
    assert_int_equal(nz_writer_write(NULL, NULL, &d), NZ_EINVAL);
    assert_int_equal(nz_writer_flush(NULL, NULL), NZ_EINVAL);
    assert_int_equal(nz_writer_finish(NULL, &d), NZ_EINVAL);
    w = open_capture(&c, NZ_FORMAT_JSON, 0, 0);
    assert_int_equal(nz_writer_write(w, NULL, &d), NZ_EINVAL);
    assert_string_equal(d.text, "nz_writer_write: record is NULL");
    write_json(w, "1"); /* still usable */
    assert_int_equal(nz_writer_finish(w, &d), NZ_OK);
    expect_captured(&c, "1\n", 2);
    nz_writer_close(&w);
    free(c.data);
}

static void writer_fd_and_file_sinks(void **state)
{
    (void)state;
    nz_diag d = {0};
    json_t *v = parse("{\"k\":[true]}");

    /* a pipe */
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    nz_writer *w = NULL;
    assert_int_equal(nz_writer_open_fd(&w, fds[1], NULL, &d), NZ_OK);
    assert_int_equal(nz_writer_write(w, v, &d), NZ_OK);
    assert_int_equal(nz_writer_finish(w, &d), NZ_OK);
    nz_writer_close(&w);
    char buf[64] = {0};
    assert_int_equal(read(fds[0], buf, sizeof buf - 1), 13);
    assert_string_equal(buf, "{\"k\":[true]}\n");

    /* the reader went away: NZ_EPIPE (SIGPIPE is the caller's business) */
    void (*old)(int) = signal(SIGPIPE, SIG_IGN);
    close(fds[0]);
    assert_int_equal(nz_writer_open_fd(&w, fds[1], NULL, &d), NZ_OK);
    assert_int_equal(nz_writer_write(w, v, &d), NZ_OK);
    assert_int_equal(nz_writer_finish(w, &d), NZ_EPIPE);
    assert_int_equal(nz_writer_write(w, v, &d), NZ_EPIPE);
    nz_writer_close(&w);
    signal(SIGPIPE, old);
    close(fds[1]);

    /* a stdio stream */
    FILE *fp = tmpfile();
    assert_non_null(fp);
    nz_write_options o;
    nz_write_options_init(&o);
    o.format = NZ_FORMAT_NDJSON;
    assert_int_equal(nz_writer_open_file(&w, fp, &o, &d), NZ_OK);
    assert_int_equal(nz_writer_write(w, v, &d), NZ_OK);
    assert_int_equal(nz_writer_write(w, v, &d), NZ_OK);
    assert_int_equal(nz_writer_finish(w, &d), NZ_OK);
    nz_writer_close(&w);
    rewind(fp);
    memset(buf, 0, sizeof buf);
    assert_int_equal(fread(buf, 1, sizeof buf - 1, fp), 26);
    assert_string_equal(buf, "{\"k\":[true]}\n{\"k\":[true]}\n");
    fclose(fp);
    json_decref(v);
}

/* ---- nz_write_string -------------------------------------------------- */

static void write_string_api(void **state)
{
    (void)state;
    json_t *v = parse("{\"b\":[1,2.5],\"a\":\"\\u00e9\"}");
    char *text = NULL;
    size_t size = 99;
    assert_int_equal(nz_write_string(v, NULL, &text, &size), NZ_OK);
    assert_string_equal(text, "{\"b\":[1,2.5],\"a\":\"\xc3\xa9\"}");
    assert_int_equal(size, 22);
    nz_free(text);
    /* size is optional */
    assert_int_equal(nz_write_string(v, NULL, &text, NULL), NZ_OK);
    nz_free(text);

    nz_write_options o;
    nz_write_options_init(&o);
    o.flags = NZ_WRITE_SORT_KEYS | NZ_WRITE_ASCII;
    o.indent = 1;
    assert_int_equal(nz_write_string(v, &o, &text, &size), NZ_OK);
    assert_string_equal(text, "{\n \"a\": \"\\u00e9\",\n"
                              " \"b\": [\n  1,\n  2.5\n ]\n}");
    nz_free(text);

    /* one value has no NDJSON/RS framing and is not an array of records */
    o.flags = 0;
    o.indent = 0;
    o.format = NZ_FORMAT_NDJSON;
    static char sentinel[] = "unchanged";
    text = sentinel;
    assert_int_equal(nz_write_string(v, &o, &text, &size), NZ_EFORMAT);
    assert_null(text);
    assert_int_equal(size, 0);
    o.format = NZ_FORMAT_JSON_SEQ;
    assert_int_equal(nz_write_string(v, &o, &text, &size), NZ_EFORMAT);
    o.format = NZ_FORMAT_JSON;
    o.flags = NZ_WRITE_ARRAY;
    assert_int_equal(nz_write_string(v, &o, &text, &size), NZ_EINVAL);
    o.flags = 0;
    o.indent = 99;
    assert_int_equal(nz_write_string(v, &o, &text, &size), NZ_EINVAL);
    assert_int_equal(nz_write_string(NULL, NULL, &text, &size), NZ_EINVAL);
    assert_int_equal(nz_write_string(v, NULL, NULL, &size), NZ_EINVAL);
    nz_free(NULL);
    json_decref(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(write_compact),
        cmocka_unit_test(write_pretty_indent_2),
        cmocka_unit_test(write_pretty_indent_4),
        cmocka_unit_test(write_sort_keys),
        cmocka_unit_test(write_ascii),
        cmocka_unit_test(write_escapes_every_control),
        cmocka_unit_test(write_strings_with_nul),
        cmocka_unit_test(write_long_strings),
        cmocka_unit_test(write_reals),
        cmocka_unit_test(write_reals_round_trip_shortest),
        cmocka_unit_test(write_reals_ignore_locale),
        cmocka_unit_test(write_integers),
        cmocka_unit_test(write_non_finite_has_no_text),
        cmocka_unit_test(write_canonical_numbers_rfc8785_appendix_b),
        cmocka_unit_test(write_canonical_numbers_ecmascript_layout),
        cmocka_unit_test(write_canonical_integers_are_doubles),
        cmocka_unit_test(write_canonical_sorts_keys_by_utf16),
        cmocka_unit_test(write_canonical_rfc8785_sample),
        cmocka_unit_test(write_rejects_invalid_utf8_with_path),
        cmocka_unit_test(write_depth_limit),
        cmocka_unit_test(writer_json_framing),
        cmocka_unit_test(writer_array_framing),
        cmocka_unit_test(writer_ndjson_framing),
        cmocka_unit_test(writer_json_seq_framing),
        cmocka_unit_test(writer_flush_hands_over_buffered_bytes),
        cmocka_unit_test(writer_sink_error_is_sticky),
        cmocka_unit_test(writer_record_cut_by_error_stops_writer),
        cmocka_unit_test(writer_rollback_keeps_array_valid),
        cmocka_unit_test(writer_state_after_finish),
        cmocka_unit_test(writer_option_validation),
        cmocka_unit_test(writer_fd_and_file_sinks),
        cmocka_unit_test(write_string_api),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
