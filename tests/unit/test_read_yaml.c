/* The YAML reader: typing (1.2 core and 1.1), tags, documents as records,
 * anchors and merge keys under a budget, duplicate and non-scalar keys,
 * libyaml errors with exact positions, positions of nodes, and streaming
 * with a bounded window. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "pipe_feed.h"
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif

#include "normalize/normalize.h"
#include "read/reader_impl.h" /* white-box: the input window's capacity */

static nz_reader *open_yaml(const char *text, unsigned flags,
                            unsigned yaml_flags)
{
    nz_read_options o;
    nz_read_options_init(&o);
    o.format = NZ_FORMAT_YAML;
    o.flags = flags;
    o.yaml.flags = yaml_flags;
    o.source_name = "t.yaml";
    nz_reader *r = NULL;
    nz_diag d;
    assert_int_equal(nz_reader_open_memory(&r, text, strlen(text), &o, &d),
                     NZ_OK);
    return r;
}

/* The single record of text, which must equal the JSON `expected`. */
static void expect_record(const char *text, unsigned yaml_flags,
                          const char *expected)
{
    nz_reader *r = open_yaml(text, 0, yaml_flags);
    json_t *v = NULL;
    nz_diag d = {0};
    int rc = nz_reader_next(r, &v, &d);
    if (rc != 1)
        fail_msg("%s: rc %d: %s", text, rc, d.text);
    json_error_t e;
    json_t *want = json_loads(expected, JSON_DECODE_ANY, &e);
    assert_non_null(want);
    if (!json_equal(v, want)) {
        char *got = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        fail_msg("%s (yaml flags %u): got %s, want %s", text, yaml_flags, got,
                 expected);
    }
    json_decref(want);
    json_decref(v);
    assert_int_equal(nz_reader_next(r, &v, &d), 0);
    nz_reader_close(&r);
}

/* The first record of text fails with `code` at line:column, and its
 * message contains `words`. */
static void expect_error(const char *text, unsigned flags,
                         unsigned yaml_flags, int code, uint64_t line,
                         uint64_t column, const char *words)
{
    nz_reader *r = open_yaml(text, flags, yaml_flags);
    json_t *v = NULL;
    nz_diag d = {0};
    int rc = nz_reader_next(r, &v, &d);
    if (rc != code)
        fail_msg("%s: rc %s, want %s (%s)", text, nz_err_name(rc),
                 nz_err_name(code), d.text);
    if (d.line != line || d.column != column)
        fail_msg("%s: at %llu:%llu, want %llu:%llu (%s)", text,
                 (unsigned long long)d.line, (unsigned long long)d.column,
                 (unsigned long long)line, (unsigned long long)column,
                 d.text);
    if (!strstr(d.text, words))
        fail_msg("%s: message \"%s\" lacks \"%s\"", text, d.text, words);
    assert_string_equal(d.source, "t.yaml");
    nz_reader_close(&r);
}

/* ---- typing ---------------------------------------------------------- */

static void typing_table_of_the_issue(void **state)
{
    (void)state;
    const char *doc = "[no, yes, on, 010, 0o10, 0x1F, 1_000, 1:20, 1e3, ~, "
                      "null, \"null\", !!str 1]";
    expect_record(doc, 0,
                  "[\"no\", \"yes\", \"on\", 10, 8, 31, \"1_000\", "
                  "\"1:20\", 1000.0, null, null, \"null\", \"1\"]");
    expect_record(doc, NZ_YAML_1_1,
                  "[false, true, true, 8, \"0o10\", 31, 1000, 80, \"1e3\", "
                  "null, null, \"null\", \"1\"]");
}

static void typing_more_forms(void **state)
{
    (void)state;
    const char *doc =
        "[true, True, TRUE, tRUE, False, Null, NULL, nULL, '', +12, -0, "
        "-0x1, 0777, 0b101, 1.5, -.5, .5, 1., 1.0e5, 1:20.5, 190:20:30, y, "
        "n, Off, 'yes', \"010\", \"x\\n\", -9223372036854775808, "
        "9223372036854775807]";
    expect_record(doc, 0,
                  "[true, true, true, \"tRUE\", false, null, null, \"nULL\", "
                  "\"\", 12, 0, \"-0x1\", 777, \"0b101\", 1.5, -0.5, 0.5, "
                  "1.0, 100000.0, \"1:20.5\", \"190:20:30\", \"y\", \"n\", "
                  "\"Off\", \"yes\", \"010\", \"x\\n\", "
                  "-9223372036854775808, 9223372036854775807]");
    expect_record(doc, NZ_YAML_1_1,
                  "[true, true, true, \"tRUE\", false, null, null, \"nULL\", "
                  "\"\", 12, 0, -1, 511, 5, 1.5, -0.5, 0.5, 1.0, \"1.0e5\", "
                  "80.5, 685230, \"y\", \"n\", false, \"yes\", \"010\", "
                  "\"x\\n\", -9223372036854775808, 9223372036854775807]");
    /* An empty value is null. */
    expect_record("a:\nb: ~\n", 0, "{\"a\": null, \"b\": null}");
}

static void typing_inf_nan_are_strings_with_a_warning(void **state)
{
    (void)state;
    nz_reader *r = open_yaml("[.inf, -.Inf, .NaN]", 0, 0);
    json_t *v;
    nz_diag d;
    assert_int_equal(nz_reader_next(r, &v, &d), 1);
    json_t *want = json_loads("[\".inf\", \"-.Inf\", \".NaN\"]", 0, NULL);
    assert_true(json_equal(v, want));
    json_decref(want);
    json_decref(v);
    assert_int_equal(nz_reader_warning_count(r), 3);
    const nz_diag *w = nz_reader_warning(r, 1);
    assert_non_null(w);
    assert_int_equal(w->code, NZ_ELOSSY);
    assert_int_equal(w->severity, NZ_SEVERITY_WARNING);
    assert_int_equal(w->line, 1);
    assert_int_equal(w->column, 8);
    assert_non_null(strstr(w->text, "no JSON number"));
    nz_reader_close(&r);
    /* Strict: an error at the value. */
    expect_error("a: 1\nb: .nan\n", NZ_READ_STRICT, 0, NZ_ELOSSY, 2, 4,
                 "no JSON number");
}

static void typing_integers_beyond_int64(void **state)
{
    (void)state;
    expect_error("n: 9223372036854775808\n", 0, 0, NZ_ERANGE, 1, 4,
                 "outside the signed 64-bit range");
    expect_error("- -9223372036854775809\n", 0, 0, NZ_ERANGE, 1, 3,
                 "9223372036854775809");
    expect_error("[0x8000000000000000]", 0, 0, NZ_ERANGE, 1, 2, "range");
    expect_error("[1e400]", 0, 0, NZ_ERANGE, 1, 2, "range of a double");
    expect_error("[1:00:00:00:00:00:00:00:00:00:00:00]", 0, NZ_YAML_1_1,
                 NZ_ERANGE, 1, 2, "range");
}

static void tags_are_honoured(void **state)
{
    (void)state;
    expect_record("[!!int \"12\", !!float 1, !!float '2.5', !!bool 'true', "
                  "!!null '', !!str true, ! 12, !!str, !!map {a: 1}, "
                  "!!seq [1]]",
                  0,
                  "[12, 1.0, 2.5, true, null, \"true\", \"12\", \"\", "
                  "{\"a\": 1}, [1]]");
    expect_record("!!bool yes", NZ_YAML_1_1, "true");
    expect_error("a: !!int abc\n", 0, 0, NZ_ESYNTAX, 1, 4,
                 "\"abc\" is not a valid !!int");
    expect_error("a: !!bool yes\n", 0, 0, NZ_ESYNTAX, 1, 4, "!!bool");
    expect_error("a: !!map x\n", 0, 0, NZ_ESYNTAX, 1, 4,
                 "tag !!map on a scalar");
    expect_error("a: !!str [1]\n", 0, 0, NZ_ESYNTAX, 1, 4,
                 "tag !!str on a sequence");
}

static void unknown_tags_dropped_with_a_warning(void **state)
{
    (void)state;
    nz_reader *r = open_yaml("a: !Ref b\nc: !!binary aGk=\nd: !x 12\n", 0, 0);
    json_t *v;
    nz_diag d;
    assert_int_equal(nz_reader_next(r, &v, &d), 1);
    json_t *want = json_loads("{\"a\":\"b\",\"c\":\"aGk=\",\"d\":12}", 0, NULL);
    assert_true(json_equal(v, want));
    json_decref(want);
    json_decref(v);
    assert_int_equal(nz_reader_warning_count(r), 3);
    assert_non_null(strstr(nz_reader_warning(r, 0)->text, "!Ref"));
    assert_non_null(strstr(nz_reader_warning(r, 1)->text, "!!binary"));
    assert_int_equal(nz_reader_warning(r, 1)->line, 2);
    nz_reader_close(&r);
    expect_error("a: !Ref b\n", NZ_READ_STRICT, 0, NZ_ELOSSY, 1, 4, "!Ref");
}

static void keys_are_their_text(void **state)
{
    (void)state;
    expect_record("{1: a, true: b, ~: c, 0x1F: d, \"q\": e, 1.50: f}", 0,
                  "{\"1\":\"a\",\"true\":\"b\",\"~\":\"c\",\"0x1F\":\"d\","
                  "\"q\":\"e\",\"1.50\":\"f\"}");
}

/* ---- documents --------------------------------------------------------- */

static void documents_are_records(void **state)
{
    (void)state;
    nz_reader *r = open_yaml("# head\na: 1\n---\n- b\n--- 3\n...\n---\n"
                             "--- |\n  text\n",
                             0, 0);
    const char *want[] = {"{\"a\":1}", "[\"b\"]", "3", "null", "\"text\\n\""};
    for (size_t i = 0; i < 5; i++) {
        json_t *v;
        nz_diag d;
        assert_int_equal(nz_reader_next(r, &v, &d), 1);
        json_t *w = json_loads(want[i], JSON_DECODE_ANY, NULL);
        assert_true(json_equal(v, w));
        json_decref(w);
        json_decref(v);
    }
    json_t *v;
    assert_int_equal(nz_reader_next(r, &v, NULL), 0);
    assert_int_equal(nz_reader_next(r, &v, NULL), 0);
    nz_reader_close(&r);

    /* Empty input and comments only: no records. */
    static const char *const empty[] = {"", "# nothing\n", "\n\n"};
    for (size_t i = 0; i < 3; i++) {
        r = open_yaml(empty[i], 0, 0);
        assert_int_equal(nz_reader_next(r, &v, NULL), 0);
        nz_reader_close(&r);
    }
}

static void content_error_skips_only_its_document(void **state)
{
    (void)state;
    nz_reader *r = open_yaml("a: 1\n---\nb: 1\nb: 2\n---\nc: *nope\n---\n"
                             "d: 4\n",
                             0, 0);
    json_t *v;
    nz_diag d;
    assert_int_equal(nz_reader_next(r, &v, &d), 1);
    json_decref(v);
    assert_int_equal(nz_reader_next(r, &v, &d), NZ_EDUPKEY);
    assert_null(v);
    assert_int_equal(nz_reader_next(r, &v, &d), NZ_ESYNTAX);
    assert_non_null(strstr(d.text, "*nope"));
    assert_int_equal(d.line, 6);
    assert_int_equal(d.column, 4);
    assert_int_equal(nz_reader_next(r, &v, &d), 1);
    assert_int_equal(json_integer_value(json_object_get(v, "d")), 4);
    json_decref(v);
    assert_int_equal(nz_reader_next(r, &v, &d), 0);
    nz_reader_close(&r);
}

/* ---- anchors, aliases, merge keys ------------------------------------ */

static void anchors_expand_to_copies(void **state)
{
    (void)state;
    expect_record("a: &x {k: [1, 2]}\nb: *x\nc: &s hello\nd: *s\n*s : e\n",
                  0,
                  "{\"a\":{\"k\":[1,2]},\"b\":{\"k\":[1,2]},\"c\":\"hello\","
                  "\"d\":\"hello\",\"hello\":\"e\"}");
    /* Copies, not shared nodes: changing one leaves the other alone. */
    nz_reader *r = open_yaml("a: &x {k: 1}\nb: *x\n", 0, 0);
    json_t *v;
    assert_int_equal(nz_reader_next(r, &v, NULL), 1);
    assert_ptr_not_equal(json_object_get(v, "a"), json_object_get(v, "b"));
    json_decref(v);
    nz_reader_close(&r);
    /* A later anchor of the same name replaces the earlier one. */
    expect_record("[&a 1, *a, &a 2, *a]", 0, "[1, 1, 2, 2]");
}

static void merge_keys(void **state)
{
    (void)state;
    const char *doc = "base: &b {x: 1, y: 2}\n"
                      "more: &m {y: 20, z: 30}\n"
                      "one:\n  <<: *b\n  y: 9\n"
                      "two:\n  w: 0\n  <<: [*m, *b]\n"
                      "three:\n  x: 7\n  <<: *b\n";
    expect_record(doc, 0,
                  "{\"base\":{\"x\":1,\"y\":2},\"more\":{\"y\":20,\"z\":30},"
                  "\"one\":{\"x\":1,\"y\":9},"
                  "\"two\":{\"w\":0,\"y\":20,\"z\":30,\"x\":1},"
                  "\"three\":{\"x\":7,\"y\":2}}");
    /* Switched off: "<<" is an ordinary key. */
    expect_record("a: &b {x: 1}\nc:\n  <<: *b\n", NZ_YAML_NO_MERGE,
                  "{\"a\":{\"x\":1},\"c\":{\"<<\":{\"x\":1}}}");
    /* A quoted "<<" is always an ordinary key. */
    expect_record("c:\n  \"<<\": {x: 1}\n", 0, "{\"c\":{\"<<\":{\"x\":1}}}");
    expect_error("a:\n  <<: 5\n", 0, 0, NZ_ESYNTAX, 2, 3,
                 "needs a mapping or a sequence of mappings");
    expect_error("a:\n  <<: [{x: 1}, 2]\n", 0, 0, NZ_ESYNTAX, 2, 3,
                 "item 1");
    /* A key written twice is still a duplicate, merged or not. */
    expect_error("a:\n  <<: {x: 1}\n  x: 2\n  x: 3\n", 0, 0, NZ_EDUPKEY, 4,
                 3, "\"x\"");
}

/* jansson's allocations, counted: bytes held now and at most. */
static size_t tree_bytes, tree_peak;

static void *counting_malloc(size_t size)
{
    size_t *p = malloc(size + sizeof(size_t) * 2);
    if (!p)
        return NULL;
    p[0] = size;
    tree_bytes += size;
    if (tree_bytes > tree_peak)
        tree_peak = tree_bytes;
    return p + 2;
}

static void counting_free(void *ptr)
{
    if (!ptr)
        return;
    size_t *p = (size_t *)ptr - 2;
    tree_bytes -= p[0];
    free(p);
}

static bool under_valgrind(void)
{
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#define NZ_HAVE_VALGRIND_H 1
#endif
#endif
#ifdef NZ_HAVE_VALGRIND_H
    return RUNNING_ON_VALGRIND != 0;
#else
    return false;
#endif
}

static void billion_laughs_stops_fast_and_small(void **state)
{
    (void)state;
    const char *doc =
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\","
        "\"lol\"]\n"
        "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
        "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
        "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
        "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
        "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
        "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
        "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
    tree_bytes = tree_peak = 0;
    json_set_alloc_funcs(counting_malloc, counting_free);
    expect_error(doc, 0, 0, NZ_EEXPANSION, 5, 8, "budget");
    json_set_alloc_funcs(malloc, free);
    /* The tree never held more than a few MB (the budget: 10000 nodes):
     * counted, so deterministic. Time and RSS are measured by
     * testdata/hostile/measure.py, not asserted (no timed tests). */
    assert_true(tree_peak < 8u << 20);
}

static void alias_factor_is_configurable(void **state)
{
    (void)state;
    /* 1 + 2*2 + ... nodes: 2000 parsed nodes give 20000 by default. A map
     * of 1500 scalars aliased 20 times is 30000 nodes: over the default
     * budget, within factor 30. */
    size_t cap = 64 * 1024;
    char *doc = malloc(cap);
    if (!doc)
        fail_msg("no memory for the test input");
    size_t n = (size_t)snprintf(doc, cap, "a: &x [");
    for (int i = 0; i < 1500; i++)
        n += (size_t)snprintf(doc + n, cap - n, "%d,", i);
    n += (size_t)snprintf(doc + n, cap - n, "0]\nb: [");
    for (int i = 0; i < 20; i++)
        n += (size_t)snprintf(doc + n, cap - n, "*x,");
    snprintf(doc + n, cap - n, "*x]\n");
    nz_read_options o;
    nz_read_options_init(&o);
    o.format = NZ_FORMAT_YAML;
    nz_reader *r;
    json_t *v;
    nz_diag d;
    assert_int_equal(nz_reader_open_memory(&r, doc, strlen(doc), &o, &d), 0);
    assert_int_equal(nz_reader_next(r, &v, &d), NZ_EEXPANSION);
    nz_reader_close(&r);
    o.yaml.alias_factor = 30;
    assert_int_equal(nz_reader_open_memory(&r, doc, strlen(doc), &o, &d), 0);
    assert_int_equal(nz_reader_next(r, &v, &d), 1);
    assert_int_equal(json_array_size(json_object_get(v, "b")), 21);
    json_decref(v);
    nz_reader_close(&r);
    free(doc);
}

/* ---- keys -------------------------------------------------------------- */

static void duplicate_keys(void **state)
{
    (void)state;
    expect_error("a: 1\nb:\n  c: 1\n  d: 2\n  c: 3\n", 0, 0, NZ_EDUPKEY, 5, 3,
                 "duplicate mapping key \"c\" (first defined at line 3, "
                 "column 3)");
    /* Same key in different maps is fine; last wins on request. */
    expect_record("a: {k: 1}\nb: {k: 2}\n", 0,
                  "{\"a\":{\"k\":1},\"b\":{\"k\":2}}");
    nz_reader *r = open_yaml("k: 1\nk: 2\n", NZ_READ_DUPLICATE_KEYS_LAST, 0);
    json_t *v;
    assert_int_equal(nz_reader_next(r, &v, NULL), 1);
    assert_int_equal(json_integer_value(json_object_get(v, "k")), 2);
    json_decref(v);
    nz_reader_close(&r);
}

static void non_scalar_keys(void **state)
{
    (void)state;
    expect_error("a: 1\n? [x, y]\n: 2\n", 0, 0, NZ_EUNREPRESENTABLE, 2, 3,
                 "mapping key is a sequence");
    expect_error("{a: 1, {b: 2}: 3}", 0, 0, NZ_EUNREPRESENTABLE, 1, 8,
                 "mapping key is a mapping");
    expect_error("a: &m {x: 1}\n*m : 2\n", 0, 0, NZ_EUNREPRESENTABLE, 2, 1,
                 "alias of a mapping");
}

/* ---- syntax errors ------------------------------------------------------ */

static void libyaml_errors_have_positions(void **state)
{
    (void)state;
    expect_error("a: 1\nb: c: d\n", 0, 0, NZ_ESYNTAX, 2, 5,
                 "mapping values are not allowed");
    expect_error("a: [1, 2\nb: 3\n", 0, 0, NZ_ESYNTAX, 2, 2,
                 "did not find expected ',' or ']'");
    expect_error("a: \"x\n", 0, 0, NZ_ESYNTAX, 2, 1,
                 "found unexpected end of stream");
    expect_error("a: 1\n\tb: 2\n", 0, 0, NZ_ESYNTAX, 2, 1, "tab");
    expect_error("a: 1\nb: x\xff\n", 0, 0, NZ_EUTF8, 2, 5, "invalid UTF-8");
    expect_error("a: 1\nbb: \xc3\xa9\x01\n", 0, 0, NZ_ESYNTAX, 2, 6,
                 "U+0001");
    const char nul[] = "a: 1\nb: x\0y\n";
    nz_read_options o;
    nz_read_options_init(&o);
    o.format = NZ_FORMAT_YAML;
    nz_reader *r;
    json_t *v;
    nz_diag d;
    assert_int_equal(nz_reader_open_memory(&r, nul, sizeof nul - 1, &o, &d),
                     0);
    assert_int_equal(nz_reader_next(r, &v, &d), NZ_ENUL);
    assert_int_equal(d.line, 2);
    assert_int_equal(d.column, 5);
    nz_reader_close(&r);
}

static void syntax_error_is_final_after_earlier_records(void **state)
{
    (void)state;
    /* The bad byte sits in the same read as the good document: that
     * document still comes first. */
    nz_reader *r = open_yaml("a: 1\n---\nb: \xff\n---\nc: 3\n", 0, 0);
    json_t *v;
    nz_diag d;
    assert_int_equal(nz_reader_next(r, &v, &d), 1);
    assert_int_equal(json_integer_value(json_object_get(v, "a")), 1);
    json_decref(v);
    assert_int_equal(nz_reader_next(r, &v, &d), NZ_EUTF8);
    assert_int_equal(d.line, 3);
    assert_int_equal(d.column, 4);
    assert_int_equal(nz_reader_next(r, &v, &d), NZ_ESTATE);
    nz_reader_close(&r);
    /* A syntax error right after a complete document. */
    static const char *const after[] = {"a: 1\n---\n]\n", "a: 1\n]\n",
                                        "- 1\n--- [\n"};
    static const int code[] = {NZ_ESYNTAX, NZ_ESYNTAX, NZ_ESYNTAX};
    for (size_t i = 0; i < 3; i++) {
        r = open_yaml(after[i], 0, 0);
        int rc = nz_reader_next(r, &v, &d);
        if (i == 1) { /* "]" inside the first document's mapping */
            assert_int_equal(rc, code[i]);
        } else {
            assert_int_equal(rc, 1);
            json_decref(v);
            assert_int_equal(nz_reader_next(r, &v, &d), code[i]);
        }
        assert_true(d.line >= 2);
        assert_int_equal(nz_reader_next(r, &v, &d), NZ_ESTATE);
        nz_reader_close(&r);
    }
}

static void limits(void **state)
{
    (void)state;
    nz_read_options o;
    nz_read_options_init(&o);
    o.format = NZ_FORMAT_YAML;
    o.max_depth = 3;
    nz_reader *r;
    json_t *v;
    nz_diag d;
    const char *deep = "a: [[ok]]\n---\na: [[[no]]]\n";
    assert_int_equal(nz_reader_open_memory(&r, deep, strlen(deep), &o, &d),
                     0);
    assert_int_equal(nz_reader_next(r, &v, &d), 1);
    json_decref(v);
    assert_int_equal(nz_reader_next(r, &v, &d), NZ_EDEPTH);
    assert_int_equal(d.line, 3);
    assert_int_equal(d.column, 6);
    nz_reader_close(&r);
    /* An alias may not smuggle depth past the limit either. */
    const char *alias = "a: &x [[1]]\nb: [*x]\n";
    assert_int_equal(nz_reader_open_memory(&r, alias, strlen(alias), &o, &d),
                     0);
    assert_int_equal(nz_reader_next(r, &v, &d), NZ_EDEPTH);
    assert_non_null(strstr(d.text, "*x"));
    nz_reader_close(&r);

    nz_read_options_init(&o);
    o.format = NZ_FORMAT_YAML;
    o.max_record_bytes = 20;
    const char *big = "a: 1\n---\nb: [1, 2, 3, 4, 5, 6, 7, 8, 9]\n---\nc: 3\n";
    assert_int_equal(nz_reader_open_memory(&r, big, strlen(big), &o, &d), 0);
    assert_int_equal(nz_reader_next(r, &v, &d), 1);
    json_decref(v);
    assert_int_equal(nz_reader_next(r, &v, &d), NZ_ETOOBIG);
    assert_int_equal(d.line, 2); /* its "---" */
    assert_int_equal(nz_reader_next(r, &v, &d), 1);
    assert_int_equal(json_integer_value(json_object_get(v, "c")), 3);
    json_decref(v);
    nz_reader_close(&r);

    /* One scalar far over the limit: libyaml scans it whole before any
     * event, so the input is cut off before it is all held. */
    enum { HUGE_LEN = 8 << 20 };
    static char huge[HUGE_LEN + 16];
    size_t huge_len = HUGE_LEN;
    memcpy(huge, "a: 1\n---\n", 9);
    memset(huge + 9, 'x', huge_len);
    memcpy(huge + 9 + huge_len, "\n", 2);
    o.max_record_bytes = 1u << 20;
    assert_int_equal(nz_reader_open_memory(&r, huge, strlen(huge), &o, &d), 0);
    assert_int_equal(nz_reader_next(r, &v, &d), 1);
    json_decref(v);
    /* libyaml scans the scalar before it ends the first document: that
     * document still comes first, then the error. */
    assert_int_equal(nz_reader_next(r, &v, &d), NZ_ETOOBIG);
    assert_int_equal(d.line, 2);
    assert_non_null(strstr(d.text, "max-record-size"));
    assert_int_equal(nz_reader_next(r, &v, &d), NZ_ESTATE);
    nz_reader_close(&r);

    o.yaml.flags = 0x80;
    assert_int_equal(nz_reader_open_memory(&r, big, strlen(big), &o, &d),
                     NZ_EINVAL);
}

/* ---- positions ---------------------------------------------------------- */

static void expect_at(const nz_reader *r, const char *pointer, uint64_t line,
                      uint64_t column)
{
    nz_position p;
    int rc = nz_reader_locate(r, pointer, &p);
    if (rc != NZ_OK)
        fail_msg("locate %s: %s", pointer, nz_err_name(rc));
    if (p.line != line || p.column != column)
        fail_msg("locate %s: %llu:%llu, want %llu:%llu", pointer,
                 (unsigned long long)p.line, (unsigned long long)p.column,
                 (unsigned long long)line, (unsigned long long)column);
}

static void positions_of_every_node(void **state)
{
    (void)state;
    const char *doc = "first: 0\n"
                      "---\n"
                      "# comment\n"
                      "name: é x\n"
                      "list:\n"
                      "  - 1\n"
                      "  - {k: true, \"a/b\": null}\n"
                      "base: &b {m: 1}\n"
                      "use:\n"
                      "  <<: *b\n"
                      "  own: 2\n"
                      "copy: *b\n";
    nz_reader *r = open_yaml(doc, NZ_READ_KEEP_POSITIONS, 0);
    json_t *v;
    nz_position p;
    assert_int_equal(nz_reader_locate(r, "", &p), NZ_ENOTFOUND);
    assert_int_equal(nz_reader_next(r, &v, NULL), 1);
    json_decref(v);
    expect_at(r, "", 1, 1);
    expect_at(r, "/first", 1, 8);
    assert_int_equal(nz_reader_next(r, &v, NULL), 1);
    expect_at(r, "", 4, 1);
    expect_at(r, "/name", 4, 7);
    expect_at(r, "/list", 6, 3);
    expect_at(r, "/list/0", 6, 5);
    expect_at(r, "/list/1", 7, 5);
    expect_at(r, "/list/1/k", 7, 9);
    expect_at(r, "/list/1/a~1b", 7, 22);
    expect_at(r, "/use/m", 10, 3);  /* merged: at its "<<" */
    expect_at(r, "/use/own", 11, 8);
    expect_at(r, "/copy", 12, 7);   /* an alias: the alias itself */
    expect_at(r, "/copy/m", 12, 7); /* inside it: the alias */
    assert_int_equal(nz_reader_locate(r, "/list/2", &p), NZ_ENOTFOUND);
    assert_int_equal(nz_reader_locate(r, "/nope", &p), NZ_ENOTFOUND);
    assert_int_equal(nz_reader_locate(r, "/name/x", &p), NZ_ENOTFOUND);
    assert_int_equal(nz_reader_locate(r, "list", &p), NZ_EINVAL);
    json_decref(v);
    nz_reader_close(&r);

    /* Without NZ_READ_KEEP_POSITIONS: the record start, for every node. */
    r = open_yaml(doc, 0, 0);
    assert_int_equal(nz_reader_next(r, &v, NULL), 1);
    json_decref(v);
    assert_int_equal(nz_reader_next(r, &v, NULL), 1);
    json_decref(v);
    expect_at(r, "", 4, 1);
    expect_at(r, "/list/1/k", 4, 1);
    assert_int_equal(nz_reader_locate(r, "/nope", &p), NZ_ENOTFOUND);
    nz_reader_close(&r);
}

/* ---- out of memory -------------------------------------------------------- */

static long allocs_left;

static void *failing_malloc(size_t size)
{
    if (allocs_left-- <= 0)
        return NULL;
    return malloc(size);
}

static void tree_allocation_failures_are_clean_errors(void **state)
{
    (void)state;
    /* Fail jansson's Nth allocation for N = 0, 1, 2, ... until the read
     * succeeds: every failure must be NZ_ENOMEM, with nothing leaked
     * (ASan and valgrind runs check that). */
    const char *doc = "a: &x {k: [1, \"s\"], t: true}\nb: *x\nc:\n  <<: *x\n"
                      "  z: 2\n";
    int successes = 0;
    for (long n = 0; n < 200 && successes == 0; n++) {
        nz_reader *r = open_yaml(doc, NZ_READ_KEEP_POSITIONS, 0);
        allocs_left = n;
        json_set_alloc_funcs(failing_malloc, free);
        json_t *v = NULL;
        nz_diag d;
        int rc = nz_reader_next(r, &v, &d);
        json_set_alloc_funcs(malloc, free);
        if (rc == 1) {
            json_t *want = json_loads(
                "{\"a\":{\"k\":[1,\"s\"],\"t\":true},"
                "\"b\":{\"k\":[1,\"s\"],\"t\":true},"
                "\"c\":{\"k\":[1,\"s\"],\"t\":true,\"z\":2}}",
                0, NULL);
            assert_true(json_equal(v, want));
            json_decref(want);
            json_decref(v);
            successes++;
        } else {
            assert_int_equal(rc, NZ_ENOMEM);
            assert_null(v);
        }
        nz_reader_close(&r);
    }
    assert_int_equal(successes, 1);
}

/* ---- streaming ---------------------------------------------------------- */


static void stream_memory_bounded_by_document(void **state)
{
    (void)state;
    /* 12 MiB of small documents through a pipe (2 MiB under valgrind,
     * which is 30 times slower; still 8 windows' worth): the window never
     * grows. */
    const char doc[] = "---\nid: 12345\nname: abcdefghij\ntags: [1, 2, 3]\n"
                       "nested:\n  x: 1.5\n  y: null\n";
    size_t total = under_valgrind() ? 2u << 20 : 12u << 20;
    size_t n_docs = total / (sizeof doc - 1);
    size_t size = n_docs * (sizeof doc - 1);
    char *input = malloc(size);
    if (!input)
        fail_msg("no memory for the test input");
    for (size_t i = 0; i < n_docs; i++)
        memcpy(input + i * (sizeof doc - 1), doc, sizeof doc - 1);
    pid_t child;
    int fd = feed(input, size, 1 << 16, &child);
    nz_read_options o;
    nz_read_options_init(&o);
    o.format = NZ_FORMAT_YAML;
    nz_reader *r;
    assert_int_equal(nz_reader_open_fd(&r, fd, &o, NULL), 0);
    size_t count = 0, max_cap = 0;
    json_t *v;
    while (nz_reader_next(r, &v, NULL) == 1) {
        count++;
        if (count == n_docs)
            assert_int_equal(json_integer_value(json_object_get(v, "id")),
                             12345);
        json_decref(v);
        if (r->in.cap > max_cap)
            max_cap = r->in.cap;
    }
    assert_int_equal(count, n_docs);
    assert_true(max_cap <= 1u << 20);
    nz_reader_close(&r);
    close(fd);
    reap(child);
    free(input);
}

static void stream_any_chunking_gives_the_same_records(void **state)
{
    (void)state;
    const char *input = "a: &x {k: [1, \"\xc3\xa9\"]}\nb: *x\n---\n- |\n  "
                        "line\n- 0x1F\n--- x\n---\nk: 1\nk: 2\n---\nlast: "
                        "\xe6\xbc\xa2\n";
    static const size_t pieces[] = {1, 2, 3, 7, 4096};
    char expected[512] = "";
    for (size_t i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
        pid_t child;
        int fd = feed(input, strlen(input), pieces[i], &child);
        nz_read_options o;
        nz_read_options_init(&o);
        o.format = NZ_FORMAT_YAML;
        nz_reader *r;
        assert_int_equal(nz_reader_open_fd(&r, fd, &o, NULL), 0);
        char got[512] = "";
        for (;;) {
            json_t *v;
            int rc = nz_reader_next(r, &v, NULL);
            if (rc == 0)
                break;
            char *text = rc > 0 ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)
                                : strdup(nz_err_name(rc));
            strncat(got, text, sizeof got - strlen(got) - 2);
            strcat(got, "\n");
            free(text);
            json_decref(v);
        }
        if (i == 0)
            strcpy(expected, got);
        else
            assert_string_equal(got, expected);
        nz_reader_close(&r);
        close(fd);
        reap(child);
    }
    assert_string_equal(expected,
                        "{\"a\":{\"k\":[1,\"\xc3\xa9\"]},\"b\":{\"k\":[1,"
                        "\"\xc3\xa9\"]}}\n[\"line\\n\",31]\n\"x\"\nEDUPKEY\n"
                        "{\"last\":\"\xe6\xbc\xa2\"}\n");
}

static void stream_record_arrives_before_input_ends(void **state)
{
    (void)state;
    /* The child writes one document ended by "...", then waits for us to
     * have read it before it sends the next. */
    int data[2], ack[2];
    assert_int_equal(pipe(data), 0);
    assert_int_equal(pipe(ack), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(data[0]);
        close(ack[1]);
        char c;
        if (write(data[1], "n: 1\n...\n", 9) != 9 ||
            read(ack[0], &c, 1) != 1 || write(data[1], "---\nn: 2\n", 9) != 9)
            _exit(1);
        _exit(0);
    }
    close(data[1]);
    close(ack[0]);
    alarm(20);
    nz_read_options o;
    nz_read_options_init(&o);
    o.format = NZ_FORMAT_YAML;
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(typing_table_of_the_issue),
        cmocka_unit_test(typing_more_forms),
        cmocka_unit_test(typing_inf_nan_are_strings_with_a_warning),
        cmocka_unit_test(typing_integers_beyond_int64),
        cmocka_unit_test(tags_are_honoured),
        cmocka_unit_test(unknown_tags_dropped_with_a_warning),
        cmocka_unit_test(keys_are_their_text),
        cmocka_unit_test(documents_are_records),
        cmocka_unit_test(content_error_skips_only_its_document),
        cmocka_unit_test(anchors_expand_to_copies),
        cmocka_unit_test(merge_keys),
        cmocka_unit_test(billion_laughs_stops_fast_and_small),
        cmocka_unit_test(alias_factor_is_configurable),
        cmocka_unit_test(duplicate_keys),
        cmocka_unit_test(non_scalar_keys),
        cmocka_unit_test(libyaml_errors_have_positions),
        cmocka_unit_test(syntax_error_is_final_after_earlier_records),
        cmocka_unit_test(limits),
        cmocka_unit_test(positions_of_every_node),
        cmocka_unit_test(tree_allocation_failures_are_clean_errors),
        cmocka_unit_test(stream_memory_bounded_by_document),
        cmocka_unit_test(stream_any_chunking_gives_the_same_records),
        cmocka_unit_test(stream_record_arrives_before_input_ends),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
