/* Runs the official JSON-Schema-Test-Suite against libnormalize, through
 * the public API only.
 *
 *   run_suite --suite DIR --draft DRAFT --part required|optional|format
 *             [--min-pass PERCENT] [--filter TEXT] [--list-failures]
 *             [--quiet]
 *
 * DRAFT is a folder of DIR/tests: draft4, draft6, draft7, draft2019-09,
 * draft2020-12. Parts: `required` is the .json files of tests/DRAFT;
 * `optional` those of tests/DRAFT/optional; `format` those of
 * tests/DRAFT/optional/format, with format assertion on. Remote
 * references resolve offline:
 * http://localhost:1234/ is served from DIR/remotes.
 *
 * Each test group's schema is compiled with the draft as the default
 * dialect, and each instance is checked twice: nz_schema_check() (fast
 * mode) and nz_schema_validate() (all errors). A test passes when both
 * give the expected answer and all-errors mode reports at least one error
 * exactly when the instance is invalid.
 *
 * Output: one line per failure,
 *   FAIL file :: group :: test (expected valid|invalid)
 * followed by an indented line saying what happened, then
 *   N passed, N failed[, N skipped]
 * --list-failures prints instead one tab-separated line per failure
 * (draft, part, file, group, test, expected, reason) and nothing else, to
 * sort or grep while fixing the validator; --filter runs only the files
 * whose name contains TEXT.
 *
 * Skipped (counted apart, not in the rate): tests without a boolean
 * "valid" (the suite has none today). Integers beyond 64 bits, which
 * jansson can only hold as doubles, are run like any other data; in draft
 * 4, where an integer is defined by its text, a failure on them says so.
 *
 * Exit: 0 when the pass rate is at least --min-pass (default 100), 1 when
 * it is lower, 77 (meson's "skipped") when the suite is not there, 64 for
 * bad usage, 2 when a test file cannot be read.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "normalize/normalize.h"

#define EXIT_SKIP 77
#define EXIT_USAGE 64
#define EXIT_UNREADABLE 2

typedef struct config {
    const char *suite;
    const char *draft;
    const char *part;
    const char *filter;
    double min_pass;
    bool list_failures;
    bool quiet;
    nz_dialect dialect;
    unsigned flags;
} config;

typedef struct tally {
    unsigned long passed;
    unsigned long failed;
    unsigned long skipped;
} tally;

static void usage(FILE *to)
{
    fprintf(to,
            "usage: run_suite --suite DIR --draft DRAFT "
            "--part required|optional|format\n"
            "                 [--min-pass PERCENT] [--filter TEXT] "
            "[--list-failures] [--quiet]\n");
}

static const struct {
    const char *name;
    nz_dialect dialect;
} drafts[] = {
    {"draft4", NZ_DIALECT_DRAFT4},
    {"draft6", NZ_DIALECT_DRAFT6},
    {"draft7", NZ_DIALECT_DRAFT7},
    {"draft2019-09", NZ_DIALECT_2019_09},
    {"draft2020-12", NZ_DIALECT_2020_12},
};

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* "a" + "/" + "b" in a new string (caller frees); NULL when out of memory. */
static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s/%s", a, b);
    return s;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.json files of dir, sorted; *count receives their number. NULL with
 * *count 0 when dir cannot be read. */
static char **list_json_files(const char *dir, size_t *count)
{
    *count = 0;
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **grown = realloc(names, cap * sizeof *names);
            if (!grown)
                break;
            names = grown;
        }
        names[n] = strdup(de->d_name);
        if (names[n])
            n++;
    }
    closedir(d);
    if (names)
        qsort(names, n, sizeof *names, compare_names);
    *count = n;
    return names;
}

/* Doubles of the integer literals beyond the signed 64-bit range that a
 * test file holds (jansson reads those files only with every integer as a
 * double). */
typedef struct bigints {
    double *v;
    size_t n;
} bigints;

/* Find the integer literals (outside strings) of a JSON text that do not
 * fit in 64 bits. */
static void scan_bigints(const char *t, bigints *out)
{
    size_t cap = 0;
    for (const char *p = t; *p;) {
        if (*p == '"') {
            for (p++; *p && *p != '"'; p++)
                if (*p == '\\' && p[1])
                    p++;
            if (*p)
                p++;
            continue;
        }
        if (*p != '-' && (*p < '0' || *p > '9')) {
            p++;
            continue;
        }
        const char *start = p;
        if (*p == '-')
            p++;
        while (*p >= '0' && *p <= '9')
            p++;
        bool real = *p == '.' || *p == 'e' || *p == 'E';
        while ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' ||
               *p == 'E' || *p == '+' || *p == '-')
            p++;
        if (real)
            continue;
        errno = 0;
        (void)strtoll(start, NULL, 10);
        if (errno != ERANGE)
            continue;
        if (out->n == cap) {
            cap = cap ? cap * 2 : 16;
            double *grown = realloc(out->v, cap * sizeof *grown);
            if (!grown)
                return;
            out->v = grown;
        }
        out->v[out->n++] = strtod(start, NULL);
    }
}

/* Does v hold a number that was one of those big integer literals? */
static bool holds_bigint(const json_t *v, const bigints *b)
{
    if (json_is_real(v)) {
        for (size_t i = 0; i < b->n; i++)
            if (json_real_value(v) == b->v[i])
                return true;
        return false;
    }
    size_t i;
    const char *k;
    json_t *m;
    if (json_is_array(v)) {
        json_array_foreach(v, i, m)
            if (holds_bigint(m, b))
                return true;
    } else if (json_is_object(v)) {
        json_object_foreach((json_t *)(uintptr_t)v, k, m)
            if (holds_bigint(m, b))
                return true;
    }
    return false;
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t n = 0, cap = 1 << 16;
    char *t = malloc(cap);
    size_t got;
    while (t && (got = fread(t + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            char *grown = realloc(t, cap * 2);
            if (!grown) {
                free(t);
                t = NULL;
                break;
            }
            t = grown;
            cap *= 2;
        }
    }
    fclose(f);
    if (t)
        t[n] = '\0';
    return t;
}

/* Load a test file. The suite holds "\u0000" in strings (jansson needs
 * JSON_ALLOW_NUL) and, in optional/bignum.json, integers beyond 64 bits:
 * that file is read again with every integer as a double, and *big lists
 * those literals so that a failure that comes from the lost text can say
 * so. */
static json_t *load_tests(const char *path, bigints *big, json_error_t *err)
{
    json_t *v = json_load_file(path, JSON_ALLOW_NUL, err);
    if (!v && json_error_code(err) == json_error_numeric_overflow) {
        v = json_load_file(path, JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL,
                           err);
        char *text = v ? read_text(path) : NULL;
        if (text)
            scan_bigints(text, big);
        free(text);
    }
    return v;
}

static void report(const config *cfg, tally *t, const char *file,
                   const char *group, const char *test, bool expected,
                   const char *reason)
{
    t->failed++;
    const char *want = expected ? "valid" : "invalid";
    if (cfg->list_failures) {
        printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", cfg->draft, cfg->part, file,
               group, test, want, reason);
    } else if (!cfg->quiet) {
        printf("FAIL %s :: %s :: %s (expected %s)\n    %s\n", file, group,
               test, want, reason);
    }
}

/* What went wrong with one instance, or NULL when it passed. */
static const char *run_instance(const nz_schema *s, const json_t *data,
                                bool expected, char *why, size_t size)
{
    int check = nz_schema_check(s, data);
    nz_result *res = NULL;
    int full = nz_schema_validate(s, data, 0, &res);
    size_t errors = res ? nz_result_count(res) : 0;
    const char *missing = NULL;
    for (size_t i = 0; i < errors && !missing; i++) {
        const nz_validation_error *e = nz_result_error(res, i);
        if (!e)
            missing = "the error itself";
        else if (!e->instance_location)
            missing = "instance_location";
        else if (!e->keyword_location)
            missing = "keyword_location";
        else if (!e->absolute_keyword_location)
            missing = "absolute_keyword_location";
        else if (!e->keyword)
            missing = "keyword";
        else if (!e->message)
            missing = "message";
    }
    char first[300] = "";
    if (errors > 0) {
        const nz_validation_error *e = nz_result_error(res, 0);
        if (e && e->message)
            snprintf(first, sizeof first, "; first error: %s at \"%s\"",
                     e->message,
                     e->keyword_location ? e->keyword_location : "?");
    }
    nz_result_free(&res);

    int want = expected ? 1 : 0;
    if (check < 0 || full < 0) {
        snprintf(why, size, "error: check %s, validate %s",
                 check < 0 ? nz_err_name(check) : (check ? "valid" : "invalid"),
                 full < 0 ? nz_err_name(full) : (full ? "valid" : "invalid"));
        return why;
    }
    if (check == want && full == want && (errors > 0) == !expected &&
        !missing)
        return NULL;
    if (check != full)
        snprintf(why, size,
                 "modes disagree: check says %s, validate says %s (%zu "
                 "errors%s)",
                 check ? "valid" : "invalid", full ? "valid" : "invalid",
                 errors, first);
    else if (check != want)
        snprintf(why, size, "got %s (%zu errors%s)",
                 check ? "valid" : "invalid", errors, first);
    else if (missing)
        snprintf(why, size, "an error has no %s", missing);
    else
        snprintf(why, size, "validate says %s but reports %zu errors",
                 full ? "valid" : "invalid", errors);
    return why;
}

static int run_file(const config *cfg, nz_registry *reg, const char *dir,
                    const char *name, tally *t)
{
    char *path = join(dir, name);
    if (!path)
        return EXIT_UNREADABLE;
    json_error_t err;
    bigints big = {NULL, 0};
    json_t *groups = load_tests(path, &big, &err);
    if (!groups || !json_is_array(groups)) {
        fprintf(stderr, "%s:%d:%d: error: %s\n", path, err.line, err.column,
                groups ? "not an array of test groups" : err.text);
        json_decref(groups);
        free(big.v);
        free(path);
        return EXIT_UNREADABLE;
    }
    if (big.n && !cfg->quiet && !cfg->list_failures)
        printf("note: %s has integers beyond 64 bits: read as doubles\n",
               name);

    nz_schema_options opts;
    nz_schema_options_init(&opts);
    opts.dialect = cfg->dialect;
    opts.flags = cfg->flags;

    size_t gi;
    json_t *group;
    json_array_foreach(groups, gi, group) {
        const char *gdesc =
            json_string_value(json_object_get(group, "description"));
        json_t *schema = json_object_get(group, "schema");
        json_t *tests = json_object_get(group, "tests");
        if (!gdesc)
            gdesc = "(no description)";
        if (!schema || !json_is_array(tests)) {
            fprintf(stderr, "%s: group %zu has no schema or tests\n", path,
                    gi);
            json_decref(groups);
            free(big.v);
            free(path);
            return EXIT_UNREADABLE;
        }
        nz_diag d;
        nz_diag_clear(&d);
        nz_schema *s = NULL;
        int rc = nz_schema_compile(&s, schema, &opts, reg, &d);
        char why[1024] = "";
        if (rc != NZ_OK) {
            char line[900];
            nz_diag_format(&d, line, sizeof line);
            snprintf(why, sizeof why, "schema does not compile (%s): %s",
                     nz_err_name(rc), line);
        }
        size_t ti;
        json_t *test;
        json_array_foreach(tests, ti, test) {
            const char *tdesc =
                json_string_value(json_object_get(test, "description"));
            json_t *valid = json_object_get(test, "valid");
            json_t *data = json_object_get(test, "data");
            if (!tdesc)
                tdesc = "(no description)";
            if (!json_is_boolean(valid) || !data) {
                t->skipped++;
                continue;
            }
            bool expected = json_is_true(valid);
            /* Draft 4 defines an integer by its text ("without a fraction
             * or exponent part"); jansson holds a literal beyond 64 bits
             * only as a double, whose text is gone. Such a test still
             * runs and counts: a failure says why. */
            bool bigint_in_draft4 = cfg->dialect == NZ_DIALECT_DRAFT4 &&
                                    big.n && holds_bigint(data, &big);
            const char *failure = why;
            char detail[1024];
            if (s)
                failure = run_instance(s, data, expected, detail,
                                       sizeof detail);
            char annotated[1200];
            if (failure && bigint_in_draft4) {
                snprintf(annotated, sizeof annotated,
                         "%s (the data holds an integer beyond 64 bits, "
                         "read as a double: draft 4 integers are lexical)",
                         failure);
                failure = annotated;
            }
            if (failure)
                report(cfg, t, name, gdesc, tdesc, expected, failure);
            else
                t->passed++;
        }
        nz_schema_unref(&s);
    }
    json_decref(groups);
    free(big.v);
    free(path);
    return 0;
}

static int parse_args(int argc, char **argv, config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->min_pass = 100.0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--list-failures") == 0) {
            cfg->list_failures = true;
        } else if (strcmp(a, "--quiet") == 0) {
            cfg->quiet = true;
        } else if (strcmp(a, "--help") == 0) {
            usage(stdout);
            exit(0);
        } else if (!v) {
            fprintf(stderr, "run_suite: %s needs a value\n", a);
            return -1;
        } else if (strcmp(a, "--suite") == 0) {
            cfg->suite = v, i++;
        } else if (strcmp(a, "--draft") == 0) {
            cfg->draft = v, i++;
        } else if (strcmp(a, "--part") == 0) {
            cfg->part = v, i++;
        } else if (strcmp(a, "--filter") == 0) {
            cfg->filter = v, i++;
        } else if (strcmp(a, "--min-pass") == 0) {
            char *end;
            errno = 0;
            cfg->min_pass = strtod(v, &end);
            if (errno || end == v || *end || cfg->min_pass < 0 ||
                cfg->min_pass > 100) {
                fprintf(stderr, "run_suite: --min-pass takes 0 to 100\n");
                return -1;
            }
            i++;
        } else {
            fprintf(stderr, "run_suite: unknown option %s\n", a);
            return -1;
        }
    }
    if (!cfg->suite || !cfg->draft || !cfg->part)
        return -1;
    bool known = false;
    for (size_t i = 0; i < sizeof drafts / sizeof drafts[0]; i++) {
        if (strcmp(drafts[i].name, cfg->draft) == 0) {
            cfg->dialect = drafts[i].dialect;
            known = true;
        }
    }
    if (!known) {
        fprintf(stderr, "run_suite: unknown draft %s\n", cfg->draft);
        return -1;
    }
    if (strcmp(cfg->part, "format") == 0)
        cfg->flags = NZ_SCHEMA_ASSERT_FORMATS;
    else if (strcmp(cfg->part, "required") != 0 &&
             strcmp(cfg->part, "optional") != 0) {
        fprintf(stderr, "run_suite: unknown part %s\n", cfg->part);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    config cfg;
    if (parse_args(argc, argv, &cfg) != 0) {
        usage(stderr);
        return EXIT_USAGE;
    }

    char *tests_dir = join(cfg.suite, "tests");
    char *draft_dir = tests_dir ? join(tests_dir, cfg.draft) : NULL;
    char *dir = NULL;
    if (draft_dir) {
        if (strcmp(cfg.part, "required") == 0)
            dir = strdup(draft_dir);
        else if (strcmp(cfg.part, "optional") == 0)
            dir = join(draft_dir, "optional");
        else
            dir = join(draft_dir, "optional/format");
    }
    char *remotes = join(cfg.suite, "remotes");
    free(tests_dir);
    free(draft_dir);
    if (!dir || !remotes) {
        free(dir);
        free(remotes);
        return EXIT_UNREADABLE;
    }
    if (!is_dir(dir)) {
        fprintf(stderr,
                "\n"
                "************************************************************\n"
                "* SKIPPED: JSON-Schema-Test-Suite not found:\n"
                "*   %s\n"
                "* Check it out there, or point meson at it:\n"
                "*   meson configure BUILD "
                "-Djson_schema_test_suite=/path/to/JSON-Schema-Test-Suite\n"
                "************************************************************\n",
                dir);
        printf("SKIPPED: %s not found\n", dir);
        free(dir);
        free(remotes);
        return EXIT_SKIP;
    }

    nz_registry *reg = NULL;
    nz_diag d;
    nz_diag_clear(&d);
    int rc = nz_registry_open(&reg);
    if (rc == NZ_OK)
        rc = nz_registry_map(reg, "http://localhost:1234/", remotes, &d);
    free(remotes);
    if (rc != NZ_OK) {
        fprintf(stderr, "run_suite: cannot set up the registry: %s: %s\n",
                nz_strerror(rc), d.text);
        nz_registry_close(&reg);
        free(dir);
        return EXIT_UNREADABLE;
    }

    size_t n = 0;
    char **files = list_json_files(dir, &n);
    tally t = {0, 0, 0};
    int status = 0;
    for (size_t i = 0; i < n; i++) {
        if (!cfg.filter || strstr(files[i], cfg.filter)) {
            int r = run_file(&cfg, reg, dir, files[i], &t);
            if (r != 0)
                status = r;
        }
        free(files[i]);
    }
    free(files);
    nz_registry_close(&reg);

    unsigned long ran = t.passed + t.failed;
    double rate = ran ? 100.0 * (double)t.passed / (double)ran : 100.0;
    if (!cfg.list_failures) {
        printf("%s %s: %.2f%% passed, %.2f%% required\n", cfg.draft,
               cfg.part, rate, cfg.min_pass);
        printf("%lu passed, %lu failed", t.passed, t.failed);
        if (t.skipped)
            printf(", %lu skipped", t.skipped);
        printf("\n");
    }
    if (n == 0) {
        fprintf(stderr, "run_suite: no test files in %s\n", dir);
        status = EXIT_UNREADABLE;
    }
    free(dir);
    if (status != 0)
        return status;
    return rate + 1e-9 >= cfg.min_pass ? 0 : 1;
}
