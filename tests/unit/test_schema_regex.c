/* ECMA-262 patterns on PCRE2 (lib/schema/regex*.c): what matches and what
 * does not, which patterns are refused and with what message, the ReDoS
 * bound, several threads sharing one compiled pattern, and the suite's
 * optional/ecmascript-regex.json and non-bmp-regex.json `pattern` cases. */
#include <dirent.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "normalize/error.h"
#include "schema/regex.h"

#ifndef NZ_TESTDATA_DIR
#define NZ_TESTDATA_DIR "testdata"
#endif
#define DEFAULT_SUITE_DIR NZ_TESTDATA_DIR "/../../shared/JSON-Schema-Test-Suite/tests"

static nz_regex *compile_ok(const char *pattern)
{
    nz_regex *re = NULL;
    char err[256];
    int rc = nz_regex_compile(&re, pattern, strlen(pattern), 0, 0, err, sizeof err);
    if (rc != 0)
        fail_msg("pattern /%s/ did not compile: %d %s", pattern, rc, err);
    return re;
}

/* ---- semantics --------------------------------------------------------------- */

static const struct {
    const char *pattern;
    const char *subject;
    int match; /* 1 or 0 */
} semantics[] = {
    /* not anchored: a search, not a full match */
    {"b", "abc", 1},
    {"^b", "abc", 0},
    /* $ is the very end only, never "before a final newline" */
    {"^abc$", "abc", 1},
    {"^abc$", "abc\n", 0},
    /* . matches anything but the four line terminators, astral included */
    {"^.$", "\xF0\x9F\x90\xB2", 1},          /* U+1F432: one character */
    {"^.$", "\n", 0},
    {"^.$", "\r", 0},
    {"^.$", "\xE2\x80\xA8", 0},              /* U+2028 */
    {"^.$", "\xC2\x85", 1},                  /* U+0085 NEL is not one */
    /* \d \w are ASCII-only, \b with them */
    {"^\\d$", "7", 1},
    {"^\\d$", "\xDF\x80", 0},                /* U+07C0 NKO DIGIT ZERO */
    {"^\\D$", "\xDF\x80", 1},
    {"^\\w$", "_", 1},
    {"^\\w$", "\xC3\xA9", 0},                /* é */
    {"^\\W$", "\xC3\xA9", 1},
    {"\\bcole", "l'\xC3\xA9" "cole", 1},     /* é is not a word char */
    {"\\Bcole", "ecole", 1},
    /* \s is ECMA's WhiteSpace + LineTerminator set */
    {"^\\s$", "\xEF\xBB\xBF", 1},            /* U+FEFF */
    {"^\\s$", "\xC2\xA0", 1},                /* U+00A0 */
    {"^\\s$", "\xE2\x80\xA9", 1},            /* U+2029 */
    {"^\\s$", "\xE2\x80\x83", 1},            /* U+2003 EM SPACE (Zs) */
    {"^\\s$", "\xC2\x85", 0},                /* U+0085 is not ECMA space */
    {"^\\s$", "\xE2\x80\x8B", 0},            /* U+200B ZWSP is Cf */
    {"^\\S$", "\xC2\xA0", 0},
    {"^[\\S]$", "\xC2\xA0", 0},
    {"^[\\Sa]$", "x", 1},
    {"^[^\\S]$", "\xE2\x80\x83", 1},
    {"^[^\\S ]$", " ", 0},
    /* escapes */
    {"^\\t$", "\t", 1},
    {"^\\cC$", "\x03", 1},
    {"^\\cc$", "\x03", 1},
    {"^\\x41$", "A", 1},
    {"^\\u00e9$", "\xC3\xA9", 1},
    {"^\\u{1F432}$", "\xF0\x9F\x90\xB2", 1},
    {"^\\ud83d\\udc32$", "\xF0\x9F\x90\xB2", 1}, /* surrogate pair */
    {"^\\0$", "\0", 0},                      /* subject is "" (strlen) */
    {"^a\\/b$", "a/b", 1},
    {"^a\\&b$", "a&b", 1},                   /* identity escapes, lenient */
    {"^a\\-b$", "a-b", 1},
    {"^\\{\\}$", "{}", 1},
    /* Annex B literals the wild relies on */
    {"^a{$", "a{", 1},
    {"^a}$", "a}", 1},
    {"^]$", "]", 1},
    {"^[\\w-.]+$", "a-b.c", 1},
    {"^[\\w-.]+$", "a,b", 0},
    /* classes */
    {"^[]$", "", 0},
    {"[]", "a", 0},
    {"^[^]$", "\n", 1},
    {"^[a-c]+$", "abcab", 1},
    {"^[^a-c]$", "d", 1},
    {"^[\\b]$", "\b", 1},
    {"^[[:alpha:]]$", ":", 0},               /* no POSIX classes in ECMA */
    {"^[[:alpha:]]+$", "a]", 1},             /* [[:alph] then a literal ']' */
    /* Unicode properties */
    {"^\\p{L}+$", "\xC3\xA9t\xC3\xA9", 1},
    {"^\\p{Letter}cole$", "\xC3\xA9" "cole", 1},
    {"^\\p{Lu}$", "\xC3\x89", 1},
    {"^\\p{Lu}$", "\xC3\xA9", 0},
    {"^\\P{L}$", "1", 1},
    {"^\\p{digit}+$", "\xE0\xA7\xAA\xE0\xA7\xA8", 1}, /* Bengali 4 2 */
    {"^\\p{Script=Greek}+$", "\xCE\xB1\xCE\xB2", 1},
    {"^\\p{sc=Greek}$", "a", 0},
    {"^\\p{gc=Nd}$", "5", 1},
    {"^\\p{Any}$", "\xE2\x80\xA8", 1},
    {"^[\\p{L}\\d]+$", "a1\xC3\xA9", 1},
    /* groups, backreferences, lookaround */
    {"^(?<year>\\d{4})-\\k<year>$", "2020-2020", 1},
    {"^(?<year>\\d{4})-\\k<year>$", "2020-2021", 0},
    {"^(a)\\1$", "aa", 1},
    {"^(?:(a)|b)\\1$", "b", 1},              /* unset group matches empty */
    {"^\\1(a)$", "a", 1},                    /* forward reference: empty */
    {"(?<=\\$)\\d+", "$42", 1},
    {"(?<!\\$)\\b\\d+", "$42", 0},
    {"^a(?=b)", "ab", 1},
    {"^a(?!b)", "ab", 0},
    {"^(?<=a|bc)x", "x", 0},
    /* quantifiers */
    {"^a{2,3}$", "aaa", 1},
    {"^a{2,3}$", "aaaa", 0},
    {"^a{2,}?$", "aaaaa", 1},
    {"^a+?b$", "aab", 1},
    /* ES2025 modifier groups */
    {"^(?i:ab)c$", "ABc", 1},
    {"^(?i:ab)c$", "ABC", 0},
    {"(?m:^b$)", "a\nb\nc", 1},
    {"^(?s:.)$", "\n", 1},
    /* the empty pattern matches everything */
    {"", "anything", 1},
};

static void test_regex_ecma_semantics(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof semantics / sizeof semantics[0]; i++) {
        nz_regex *re = compile_ok(semantics[i].pattern);
        int got = nz_regex_search(re, semantics[i].subject, strlen(semantics[i].subject));
        if (got != semantics[i].match) {
            printf("  /%s/ on \"%s\": got %d, want %d\n", semantics[i].pattern,
                   semantics[i].subject, got, semantics[i].match);
            failures++;
        }
        nz_regex_free(re);
    }
    assert_int_equal(failures, 0);
}

/* A NUL in the subject is an ordinary character; the length decides. */
static void test_regex_subject_with_nul(void **state)
{
    (void)state;
    nz_regex *re = compile_ok("^a\\0b$");
    assert_int_equal(nz_regex_search(re, "a\0b", 3), 1);
    assert_int_equal(nz_regex_search(re, "a\0b", 2), 0);
    nz_regex_free(re);
    re = compile_ok("^$");
    assert_int_equal(nz_regex_search(re, NULL, 0), 1);
    assert_int_equal(nz_regex_search(re, "\xFF", 1), NZ_EUTF8);
    nz_regex_free(re);
}

/* ---- invalid patterns ------------------------------------------------------- */

static const struct {
    const char *pattern;
    const char *message; /* must appear in the error text */
} invalid[] = {
    {"^(abc]", "unterminated group"},
    {"abc)", "unmatched ')'"},
    {"[abc", "unterminated character class"},
    {"*a", "nothing to repeat"},
    {"a**", "nothing to repeat"},
    {"a{1}{2}", "nothing to repeat"},
    {"{2}", "nothing to repeat before '{'"},
    {"^*", "an assertion cannot be quantified"},
    {"(?=a)*", "an assertion cannot be quantified"},
    {"a++", "possessive quantifiers"},
    {"a*+", "possessive quantifiers"},
    {"a{3,1}", "numbers out of order"},
    {"[z-a]", "range out of order"},
    {"(?i)abc", "inline flags (?i) are not ECMA-262"},
    {"(?ims)abc", "inline flags (?ims)"},
    {"(?>a)", "atomic group"},
    {"(?P<n>x)", "Python-style"},
    {"(?P<n>a)(?P=n)", "Python-style"},
    {"(?#comment)a", "comment"},
    {"(?|a)", "branch-reset"},
    {"(?R)", "recursion"},
    {"(?'n'a)", "(?'name'...)"},
    {"\\Aabc", "\\A is a PCRE anchor"},
    {"abc\\Z", "\\Z is a PCRE anchor"},
    {"abc\\z", "\\z is a PCRE anchor"},
    {"\\a", "\\a is PCRE/Perl syntax"},
    {"\\h", "\\h is PCRE/Perl syntax"},
    {"\\Qa\\E", "\\Q is PCRE/Perl syntax"},
    {"\\c", "\\c needs a letter"},
    {"\\c1", "\\c needs a letter"},
    {"\\x4", "\\x needs two hex digits"},
    {"\\u12", "\\u needs four hex digits"},
    {"\\u{110000}", "above 10FFFF"},
    {"\\u{12", "closing '}'"},
    {"\\1", "refers to group 1 but the pattern has 0"},
    {"(a)\\2", "refers to group 2 but the pattern has 1"},
    {"\\01", "legacy octal"},
    {"\\k<nope>", "names no group"},
    {"(?<a>x)\\k", "\\k must be followed by <name>"},
    {"(?<a>x)(?<a>y)", "duplicate group name 'a'"},
    {"(?<1a>x)", "cannot appear in a group name"},
    {"\\p{Letter", "unterminated"},
    {"\\p{Klingon}", "unknown Unicode property"},
    {"\\p{letter}", "unknown Unicode property"},  /* ECMA names are exact */
    {"\\p{gc=Nope}", "unknown General_Category value"},
    {"\\p{Foo=Bar}", "unknown Unicode property 'Foo'"},
    {"\\p{Script=Klingon}", "invalid pattern:"},  /* PCRE2 judges scripts */
    {"[\\B]", "\\B is not allowed in a character class"},
    {"[\\1]", "not allowed in a character class"},
    {"a\\", "\\ at end of pattern"},
    {"\xC3", "invalid UTF-8"},
    {"(?<=a+)b", "variable-length lookbehind"},  /* valid ECMA, PCRE2 limit */
};

static void test_regex_invalid_patterns(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        nz_regex *re = (nz_regex *)(uintptr_t)1;
        char err[256];
        int rc = nz_regex_compile(&re, invalid[i].pattern, strlen(invalid[i].pattern),
                                  0, 0, err, sizeof err);
        if (rc != NZ_ESCHEMA || re != NULL || !strstr(err, invalid[i].message)) {
            printf("  /%s/: rc %d, message \"%s\", want \"%s\"\n", invalid[i].pattern,
                   rc, rc ? err : "", invalid[i].message);
            failures++;
        }
        if (rc == 0)
            nz_regex_free(re);
    }
    assert_int_equal(failures, 0);
}

static void test_regex_error_names_position(void **state)
{
    (void)state;
    nz_regex *re = NULL;
    char err[256];
    assert_int_equal(nz_regex_compile(&re, "ab\\c", 4, 0, 0, err, sizeof err), NZ_ESCHEMA);
    assert_string_equal(err, "invalid pattern: \\c needs a letter (at character 3)");
    /* characters, not bytes */
    assert_int_equal(nz_regex_compile(&re, "\xC3\xA9\xC3\xA9(", 5, 0, 0, err, sizeof err),
                     NZ_ESCHEMA);
    assert_string_equal(err, "invalid pattern: unterminated group (missing ')') (at character 3)");
    /* a small buffer truncates, never overflows; no buffer is allowed */
    char tiny[8];
    assert_int_equal(nz_regex_compile(&re, "(", 1, 0, 0, tiny, sizeof tiny), NZ_ESCHEMA);
    assert_int_equal(strlen(tiny), 7);
    assert_int_equal(nz_regex_compile(&re, "(", 1, 0, 0, NULL, 0), NZ_ESCHEMA);
}

/* Leniencies are accepted and named, so the schema author can be warned;
 * strict patterns carry no warning. */
static void test_regex_leniency_warnings(void **state)
{
    (void)state;
    static const struct {
        const char *pattern;
        const char *warning; /* NULL: strict ECMA-262 */
    } cases[] = {
        {"^[a-z0-9._-]+$", NULL},
        {"^\\/\\.\\$$", NULL},
        {"^[\\-a]$", NULL},
        {"a\\&b", "identity escape \\&, read as '&' (at character 2)"},
        {"a\\-b", "identity escape \\-"},
        {"[\\w-.]", "'-' next to a class escape"},
        {"x{", "'{' that starts no quantifier"},
        {"x]", "lone ']'"},
        {"\\\xC3\xA9", "identity escape of a non-ASCII character"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        nz_regex *re = compile_ok(cases[i].pattern);
        const char *w = nz_regex_warning(re);
        if (!cases[i].warning)
            assert_null(w);
        else if (!w || !strstr(w, cases[i].warning))
            fail_msg("/%s/: warning \"%s\", want \"%s\"", cases[i].pattern,
                     w ? w : "(none)", cases[i].warning);
        nz_regex_free(re);
    }
}

static void test_regex_api_arguments(void **state)
{
    (void)state;
    assert_int_equal(nz_regex_compile(NULL, "a", 1, 0, 0, NULL, 0), NZ_EINVAL);
    nz_regex *re = NULL;
    assert_int_equal(nz_regex_compile(&re, NULL, 1, 0, 0, NULL, 0), NZ_EINVAL);
    assert_int_equal(nz_regex_search(NULL, "a", 1), NZ_EINVAL);
    nz_regex_free(NULL);
    assert_int_equal(nz_regex_size(NULL), 0);
    re = compile_ok("^[a-z]+@[a-z]+\\.com$");
    assert_true(nz_regex_size(re) > sizeof(void *));
    nz_regex_free(re);
}

/* ---- limits -------------------------------------------------------------------- */

static void test_regex_redos_bounded(void **state)
{
    (void)state;
    size_t n = 10000;
    char *s = malloc(n + 2);
    assert_non_null(s);
    memset(s, 'a', n);
    s[n] = '!';
    s[n + 1] = '\0';
    nz_regex *re = compile_ok("^(a+)+$");
    assert_int_equal(nz_regex_search(re, s, n + 1), NZ_EMATCHLIMIT);
    /* the same pattern on a subject it matches is fine */
    assert_int_equal(nz_regex_search(re, s, n), 1);
    nz_regex_free(re);
    /* other classic shapes, with a smaller budget to keep the test quick
     * under valgrind (where the interpreter runs instead of the JIT) */
    static const char *const shapes[] = {"^(a|aa)+$", "^(\\w+\\s?)*$", "^([a-z]+)*[0-9]$",
                                         "^(a|a?)+$"};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        char err[128];
        re = NULL;
        assert_int_equal(nz_regex_compile(&re, shapes[i], strlen(shapes[i]), 100000, 0,
                                          err, sizeof err), 0);
        int rc = nz_regex_search(re, s, n + 1);
        if (rc != NZ_EMATCHLIMIT)
            fail_msg("/%s/: %d, want NZ_EMATCHLIMIT", shapes[i], rc);
        nz_regex_free(re);
    }
    free(s);
}

/* Limits are the caller's: a low match limit stops a search that the
 * default lets finish. */
static void test_regex_custom_limits(void **state)
{
    (void)state;
    const char *s = "aaaaaaaaaaaaaaaaaaaa!"; /* 20 'a': 2^20 paths */
    nz_regex *re = NULL;
    char err[128];
    assert_int_equal(nz_regex_compile(&re, "^(a+)+$", 7, 1000, 0, err, sizeof err), 0);
    assert_int_equal(nz_regex_search(re, s, strlen(s)), NZ_EMATCHLIMIT);
    nz_regex_free(re);
    re = compile_ok("^(a+)+$");
    assert_int_equal(nz_regex_search(re, s, strlen(s)), 0);
    nz_regex_free(re);
}

/* Ordinary patterns on long subjects stay within the defaults. */
static void test_regex_defaults_fit_ordinary_use(void **state)
{
    (void)state;
    size_t n = 100000;
    char *s = malloc(n + 1);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        s[i] = (char)('a' + i % 26);
    s[n] = '\0';
    const char *patterns[] = {"^[a-z]+$", "^(?:[a-z]|\\d)*$", ".*xyz.*zab", "^(.*)[a-z]$",
                              "(abc|xyz)+", "^\\w+$", "^([a-z]|\\d)*$"};
    for (size_t i = 0; i < sizeof patterns / sizeof patterns[0]; i++) {
        nz_regex *re = compile_ok(patterns[i]);
        int rc = nz_regex_search(re, s, n);
        if (rc != 1)
            fail_msg("/%s/ on 100 000 letters: %d", patterns[i], rc);
        nz_regex_free(re);
    }
    free(s);
}

/* ---- threads --------------------------------------------------------------------- */

#define THREADS 8
#define ROUNDS 2000

typedef struct shared_re {
    const nz_regex *re;
    int bad;
} shared_re;

static void *search_worker(void *arg)
{
    shared_re *sh = arg;
    static const struct {
        const char *s;
        int want;
    } subjects[] = {
        {"2024-05-06", 1}, {"2024-5-6", 0}, {"\xD9\xA1\xD9\xA2\xD9\xA3\xD9\xA4-01-01", 0},
        {"1999-12-31", 1}, {"", 0},
    };
    for (int r = 0; r < ROUNDS; r++) {
        size_t k = (size_t)r % (sizeof subjects / sizeof subjects[0]);
        if (nz_regex_search(sh->re, subjects[k].s, strlen(subjects[k].s)) != subjects[k].want)
            sh->bad++;
    }
    return NULL;
}

static void test_regex_shared_between_threads(void **state)
{
    (void)state;
    nz_regex *re = compile_ok("^(?<y>\\d{4})-(\\d{2})-(\\d{2})$");
    pthread_t tid[THREADS];
    shared_re sh[THREADS];
    for (int i = 0; i < THREADS; i++) {
        sh[i].re = re;
        sh[i].bad = 0;
        assert_int_equal(pthread_create(&tid[i], NULL, search_worker, &sh[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(tid[i], NULL), 0);
        assert_int_equal(sh[i].bad, 0);
    }
    nz_regex_free(re);
}

/* ---- the official suite's pattern cases ------------------------------------------ */

static void run_pattern_file(const char *path, unsigned *passed, unsigned *failed)
{
    json_error_t jerr;
    json_t *groups = json_load_file(path, JSON_ALLOW_NUL, &jerr);
    if (!groups) {
        fprintf(stderr, "*** SKIPPED %s: %s\n", path, jerr.text);
        return;
    }
    size_t gi;
    json_t *group;
    json_array_foreach(groups, gi, group) {
        json_t *pattern = json_object_get(json_object_get(group, "schema"), "pattern");
        if (!json_is_string(pattern))
            continue;
        nz_regex *re = NULL;
        char err[256];
        if (nz_regex_compile(&re, json_string_value(pattern), json_string_length(pattern),
                             0, 0, err, sizeof err) != 0) {
            printf("  FAIL %s: /%s/ does not compile: %s\n", path,
                   json_string_value(pattern), err);
            (*failed)++;
            continue;
        }
        size_t ti;
        json_t *test;
        json_array_foreach(json_object_get(group, "tests"), ti, test) {
            json_t *data = json_object_get(test, "data");
            if (!json_is_string(data))
                continue;
            int want = json_is_true(json_object_get(test, "valid"));
            int got = nz_regex_search(re, json_string_value(data), json_string_length(data));
            if (got == want) {
                (*passed)++;
            } else {
                (*failed)++;
                printf("  FAIL %s | %s | %s\n", path,
                       json_string_value(json_object_get(group, "description")),
                       json_string_value(json_object_get(test, "description")));
            }
        }
        nz_regex_free(re);
    }
    json_decref(groups);
}

static void test_regex_suite_patterns(void **state)
{
    (void)state;
    const char *env = getenv("NZ_JSON_SCHEMA_TEST_SUITE");
    const char *root = env && *env ? env : DEFAULT_SUITE_DIR;
    DIR *d = opendir(root);
    if (!d) {
        fprintf(stderr, "\n*** SKIPPED: JSON Schema Test Suite not found at %s\n"
                        "*** set NZ_JSON_SCHEMA_TEST_SUITE to its tests/ folder\n\n",
                root);
        skip();
        return;
    }
    closedir(d);
    const char *drafts[] = {"draft4", "draft6", "draft7", "draft2019-09", "draft2020-12"};
    const char *files[] = {"ecmascript-regex.json", "non-bmp-regex.json"};
    for (size_t i = 0; i < 5; i++) {
        unsigned passed = 0, failed = 0;
        for (size_t k = 0; k < 2; k++) {
            char path[1200];
            snprintf(path, sizeof path, "%s/%s/optional/%s", root, drafts[i], files[k]);
            FILE *f = fopen(path, "r");
            if (!f)
                continue;
            fclose(f);
            run_pattern_file(path, &passed, &failed);
        }
        printf("%s optional pattern cases: %u passed, %u failed\n", drafts[i], passed, failed);
        assert_int_equal(failed, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regex_ecma_semantics),
        cmocka_unit_test(test_regex_subject_with_nul),
        cmocka_unit_test(test_regex_invalid_patterns),
        cmocka_unit_test(test_regex_error_names_position),
        cmocka_unit_test(test_regex_leniency_warnings),
        cmocka_unit_test(test_regex_api_arguments),
        cmocka_unit_test(test_regex_redos_bounded),
        cmocka_unit_test(test_regex_custom_limits),
        cmocka_unit_test(test_regex_defaults_fit_ordinary_use),
        cmocka_unit_test(test_regex_shared_between_threads),
        cmocka_unit_test(test_regex_suite_patterns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
