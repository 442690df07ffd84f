/* Format checkers (lib/schema/format*.c): the official JSON Schema Test
 * Suite's optional/format cases for every draft, run straight against the
 * checkers, plus cases the suite does not cover.
 *
 * The suite is read from $NZ_JSON_SCHEMA_TEST_SUITE (its tests/ folder) or
 * else from ../shared/JSON-Schema-Test-Suite/tests next to the project.
 * When it is missing the suite test is skipped with a message saying so.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "schema/format.h"

#ifndef NZ_TESTDATA_DIR
#define NZ_TESTDATA_DIR "testdata"
#endif
#define DEFAULT_SUITE_DIR NZ_TESTDATA_DIR "/../../shared/JSON-Schema-Test-Suite/tests"

/* Every draft must reach this share of string cases (the issue's
 * acceptance bar for optional/format). */
#define MIN_PASS_PERCENT 95.0

static const char *suite_dir(void)
{
    const char *env = getenv("NZ_JSON_SCHEMA_TEST_SUITE");
    return env && *env ? env : DEFAULT_SUITE_DIR;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct tally {
    unsigned passed, failed, unknown;
} tally;

/* Run one suite file: every group whose schema has a "format" and every
 * test whose data is a string (format checks ignore other types). */
static void run_file(const char *path, const char *file, tally *t)
{
    json_error_t jerr;
    json_t *groups = json_load_file(path, JSON_ALLOW_NUL, &jerr);
    if (!groups) {
        fail_msg("cannot read %s: %s (line %d)", path, jerr.text, jerr.line);
        return;
    }
    size_t gi;
    json_t *group;
    json_array_foreach(groups, gi, group) {
        const char *format = json_string_value(
            json_object_get(json_object_get(group, "schema"), "format"));
        if (!format)
            continue;
        nz_format_check_fn check = nz_format_checker(format);
        size_t ti;
        json_t *test;
        json_array_foreach(json_object_get(group, "tests"), ti, test) {
            json_t *data = json_object_get(test, "data");
            if (!json_is_string(data))
                continue;
            bool expected = json_is_true(json_object_get(test, "valid"));
            bool got = check ? check(json_string_value(data), json_string_length(data))
                             : true; /* unknown format: annotation only */
            if (!check)
                t->unknown++;
            if (got == expected) {
                t->passed++;
            } else {
                t->failed++;
                printf("  FAIL %s | %s | %s (expected %s)\n", file,
                       json_string_value(json_object_get(group, "description")),
                       json_string_value(json_object_get(test, "description")),
                       expected ? "valid" : "invalid");
            }
        }
    }
    json_decref(groups);
}

static void run_draft(const char *draft)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/%s/optional/format", suite_dir(), draft);
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr,
                "\n*** SKIPPED: JSON Schema Test Suite not found at %s\n"
                "*** set NZ_JSON_SCHEMA_TEST_SUITE to its tests/ folder\n\n",
                dir);
        skip();
        return;
    }
    char *names[128];
    size_t count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && count < 128) {
        size_t n = strlen(e->d_name);
        if (n > 5 && strcmp(e->d_name + n - 5, ".json") == 0)
            names[count++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, count, sizeof names[0], cmp_names);
    tally t = {0, 0, 0};
    printf("%s optional/format:\n", draft);
    for (size_t i = 0; i < count; i++) {
        char path[1300];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        run_file(path, names[i], &t);
        free(names[i]);
    }
    unsigned total = t.passed + t.failed;
    double rate = total ? 100.0 * t.passed / total : 0.0;
    printf("%s optional/format: %u passed, %u failed (%.2f%% of %u string cases; "
           "%u were unknown formats)\n",
           draft, t.passed, t.failed, rate, total, t.unknown);
    assert_true(total > 0);
    assert_true(rate >= MIN_PASS_PERCENT);
}

static void test_suite_draft4(void **state)
{
    (void)state;
    run_draft("draft4");
}

static void test_suite_draft6(void **state)
{
    (void)state;
    run_draft("draft6");
}

static void test_suite_draft7(void **state)
{
    (void)state;
    run_draft("draft7");
}

static void test_suite_draft2019_09(void **state)
{
    (void)state;
    run_draft("draft2019-09");
}

static void test_suite_draft2020_12(void **state)
{
    (void)state;
    run_draft("draft2020-12");
}

/* Cases the suite does not cover, or covers only in one spelling. */
static const struct {
    const char *format;
    const char *text;
    bool valid;
} cases[] = {
    {"date", "2024-02-29", true},
    {"date", "2023-02-29", false},
    {"time", "23:59:60Z", true},
    {"time", "00:59:60+01:00", true},   /* 23:59:60 UTC */
    {"time", "12:00:00.Z", false},      /* a dot needs digits */
    {"date-time", "2016-12-31T23:59:60Z", true},
    {"date-time", "2016-12-31 23:59:59Z", false},
    {"duration", "P1W", true},
    {"duration", "P1Y2M3DT4H5M6S", true},
    {"duration", "PT1H2S", false},       /* skips the minutes */
    {"duration", "P1DT", false},
    {"ipv4", "1.2.3.04", false},
    {"ipv6", "::ffff:1.2.3.4", true},
    {"ipv6", "1:2:3:4:5:6:7::", true},
    {"ipv6", "1:2:3:4:5:6:7:8:9", false},
    {"ipv6", "fe80::1%25eth0", false},
    {"hostname", "xn--bcher-kva.example", true},  /* bücher */
    {"hostname", "bücher.example", false},        /* needs the A-label */
    {"idn-hostname", "bücher.example", true},
    {"idn-hostname", "Bücher.example", false},    /* IDNA2008: no upper case */
    {"email", "a+tag@example.com", true},
    {"email", "\"a\\\"b\"@example.com", true},    /* quoted pair */
    {"email", "a@[IPv6:2001:db8::1]", true},
    {"email", "a@-example.com", false},
    {"idn-email", "ü@bücher.example", true},
    {"uri", "urn:isbn:0451450523", true},
    {"uri", "http://[vF.addr]/", true},
    {"uri", "http://host:80x/", false},
    {"uri-reference", "../a/b?c#d", true},
    {"iri", "http://例子.测试/路径", true},
    {"iri", "http://例子.测试/a b", false},
    {"uri-template", "{/path*}{?q,lang}", true},
    {"uri-template", "{=x}", false},
    {"uri-template", "{x:9999}", true},
    {"json-pointer", "/a~1b/~0", true},
    {"json-pointer", "/a~", false},
    {"relative-json-pointer", "0#", true},
    {"relative-json-pointer", "0/a~1b", true},
    {"regex", "^[\\w.-]+@\\S+$", true},
    {"regex", "(?<=a+)b", true},        /* valid ECMA; PCRE2 cannot run it */
    {"regex", "a{2,1}", false},
    {"regex", "(?i)x", false},
    {"regex", "\\p{Script=Greek}", true},
    {"regex", "\\p{Script=Klingon}", false},
    {"uuid", "123e4567-e89b-12d3-a456-426614174000", true},
    {"uuid", "{123e4567-e89b-12d3-a456-426614174000}", false},
};

static void test_format_cases(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        nz_format_check_fn check = nz_format_checker(cases[i].format);
        assert_non_null(check);
        bool got = check(cases[i].text, strlen(cases[i].text));
        if (got != cases[i].valid) {
            printf("  %s \"%s\": got %s, want %s\n", cases[i].format, cases[i].text,
                   got ? "valid" : "invalid", cases[i].valid ? "valid" : "invalid");
            failures++;
        }
    }
    assert_int_equal(failures, 0);
}

/* A NUL inside the string is part of it: no checker stops at it. */
static void test_format_embedded_nul(void **state)
{
    (void)state;
    static const char date[] = "2020-01-01\0X";
    assert_true(nz_format_checker("date")(date, 10));
    assert_false(nz_format_checker("date")(date, 11));
    static const char host[] = "example.com\0.evil";
    assert_false(nz_format_checker("hostname")(host, sizeof host - 1));
    assert_false(nz_format_checker("idn-hostname")(host, sizeof host - 1));
    assert_false(nz_format_checker("email")("a@b\0c", 5));
}

static void test_format_unknown_is_annotation(void **state)
{
    (void)state;
    assert_null(nz_format_checker("phone-number"));
    assert_null(nz_format_checker(""));
    assert_null(nz_format_checker(NULL));
    assert_null(nz_format_checker("DATE")); /* names are case-sensitive */
    assert_non_null(nz_format_checker("date-time"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_cases),
        cmocka_unit_test(test_format_embedded_nul),
        cmocka_unit_test(test_format_unknown_is_annotation),
        cmocka_unit_test(test_suite_draft4),
        cmocka_unit_test(test_suite_draft6),
        cmocka_unit_test(test_suite_draft7),
        cmocka_unit_test(test_suite_draft2019_09),
        cmocka_unit_test(test_suite_draft2020_12),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
