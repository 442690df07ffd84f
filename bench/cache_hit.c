/* What one cache hit costs, in nanoseconds, for a small schema built in
 * and for each schema file named on the command line (e.g. the draft
 * 2020-12 meta-schema). Also prints the compile time of the first
 * (missing) get, from the cache's own statistics.
 *
 *     cache_hit [--threads N] [SCHEMA.json ...]
 *
 * Three ways to hit: nz_cache_get_text() with the file's own bytes (the
 * usual case: the same file or request body again); nz_cache_get() with a
 * tree parsed again from them, in the same member order, and with keys
 * sorted (a hit all the same, confirmed by comparing trees instead of
 * bytes). Threads share one entry through the text path. Best of 31
 * rounds of 5 ms. A benchmark, not a test: it reports numbers and fails
 * only when a lookup that must hit does not.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "normalize/normalize.h"

#define ROUND_NS 5000000.0 /* 5 ms per round */
#define ROUNDS 31

static const char small_schema[] =
    "{\"type\":\"object\",\"required\":[\"id\",\"name\"],"
    "\"properties\":{\"id\":{\"type\":\"integer\",\"minimum\":1},"
    "\"name\":{\"type\":\"string\",\"maxLength\":80},"
    "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}},"
    "\"additionalProperties\":false}";

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * UINT64_C(1000000000) + (uint64_t)ts.tv_nsec;
}

static size_t count_nodes(const json_t *v)
{
    size_t n = 1;
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            n += count_nodes(json_array_get(v, i));
    } else if (json_is_object(v)) {
        const char *k;
        json_t *m;
        json_object_foreach((json_t *)(uintptr_t)v, k, m)
            n += count_nodes(m);
    }
    return n;
}

typedef struct run {
    nz_cache *cache;
    const json_t *lookup; /* by tree, or by text when text is set */
    const char *text;
    size_t text_len;
    uint64_t iterations;
    int failed;
} run;

static void *hit_loop(void *p)
{
    run *r = p;
    for (uint64_t i = 0; i < r->iterations; i++) {
        nz_schema *s = NULL;
        int rc = r->text ? nz_cache_get_text(r->cache, r->text, r->text_len,
                                             NULL, NULL, &s, NULL)
                         : nz_cache_get(r->cache, r->lookup, NULL, NULL, &s,
                                        NULL);
        if (rc != NZ_OK) {
            r->failed = 1;
            return NULL;
        }
        nz_schema_unref(&s);
    }
    return NULL;
}

/* Best of several rounds (the machine is shared: the minimum is the
 * cost, the rest is other people's work), in ns per lookup. */
static double time_hits(run *r)
{
    /* Calibrate: grow the count until one round takes ROUND_NS. */
    r->iterations = 100;
    for (;;) {
        uint64_t t0 = now_ns();
        hit_loop(r);
        uint64_t t = now_ns() - t0;
        if (r->failed || t > ROUND_NS)
            break;
        r->iterations *= 2;
    }
    double best = 1e300;
    for (int round = 0; round < ROUNDS && !r->failed; round++) {
        uint64_t t0 = now_ns();
        hit_loop(r);
        double ns = (double)(now_ns() - t0) / (double)r->iterations;
        if (ns < best)
            best = ns;
    }
    return best;
}

/* Parse the text of schema again: compact, in its own member order (the
 * usual case: the same file read again), or with keys sorted. */
static json_t *reparse(const json_t *schema, size_t flags)
{
    char *text = json_dumps(schema, JSON_COMPACT | flags);
    json_t *v = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    return v;
}

/* Returns 0, or 1 when something that must work did not. */
static int bench_one(const char *name, const char *text, size_t text_len,
                     int threads)
{
    json_error_t err;
    json_t *schema = json_loadb(text, text_len, 0, &err);
    if (!schema) {
        fprintf(stderr, "%s:%d:%d: error: %s\n", name, err.line, err.column,
                err.text);
        return 1;
    }
    nz_cache *cache = NULL;
    if (nz_cache_open(&cache, NULL) != NZ_OK) {
        json_decref(schema);
        return 1;
    }
    nz_diag d = {0};
    nz_schema *first = NULL;
    int rc = nz_cache_get_text(cache, text, text_len, NULL, NULL, &first, &d);
    if (rc != NZ_OK) {
        fprintf(stderr, "%s: does not compile: %s\n", name, d.text);
        nz_cache_close(&cache);
        json_decref(schema);
        return 1;
    }
    nz_schema_unref(&first);
    nz_cache_stats st;
    nz_cache_stats_get(cache, &st);
    uint64_t compile_ns = st.compile_ns;

    json_t *same = reparse(schema, 0);
    json_t *sorted = reparse(schema, JSON_SORT_KEYS);
    int failed = !same || !sorted;
    double text_ns = 0, same_ns = 0, sorted_ns = 0, many_ns = 0;
    if (!failed) {
        run rt = {cache, NULL, text, text_len, 0, 0};
        text_ns = time_hits(&rt);
        failed |= rt.failed;
        run r = {cache, same, NULL, 0, 0, 0};
        same_ns = time_hits(&r);
        failed |= r.failed;
        run rs = {cache, sorted, NULL, 0, 0, 0};
        sorted_ns = time_hits(&rs);
        failed |= rs.failed;
    }

    /* Several threads at once on the same entry (lock contention):
     * wall time over all lookups. */
    if (threads > 1 && !failed) {
        pthread_t *tid = calloc((size_t)threads, sizeof *tid);
        run *rs = calloc((size_t)threads, sizeof *rs);
        uint64_t each = (uint64_t)(ROUND_NS / (text_ns > 1 ? text_ns : 1));
        if (tid && rs) {
            uint64_t t0 = now_ns();
            for (int i = 0; i < threads; i++) {
                rs[i] = (run){cache, NULL, text, text_len, each, 0};
                pthread_create(&tid[i], NULL, hit_loop, &rs[i]);
            }
            for (int i = 0; i < threads; i++) {
                pthread_join(tid[i], NULL);
                failed |= rs[i].failed;
            }
            many_ns = (double)(now_ns() - t0) /
                      (double)(each * (uint64_t)threads);
        } else {
            failed = 1;
        }
        free(tid);
        free(rs);
    }

    nz_cache_stats_get(cache, &st);
    /* Every lookup after the first get must have hit. */
    if (failed || st.misses != 1) {
        fprintf(stderr, "%s: lookups failed or missed (%llu misses)\n", name,
                (unsigned long long)st.misses);
        failed = 1;
    }
    printf("%-22s %6zu B %4zu nodes  compile %7.1f us  text hit %5.0f ns  "
           "tree hit %5.0f ns  tree hit, keys reordered %5.0f ns",
           name, text_len, count_nodes(schema), (double)compile_ns / 1e3,
           text_ns, same_ns, sorted_ns);
    if (many_ns > 0)
        printf("  %d threads, text %5.0f ns/hit", threads, many_ns);
    printf("\n");
    json_decref(same);
    json_decref(sorted);
    json_decref(schema);
    nz_cache_close(&cache);
    return failed;
}

/* The whole file, malloc'd; NULL on any failure. */
static char *read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    char *buf = NULL;
    size_t cap = 0;
    *len = 0;
    for (;;) {
        if (cap - *len < 4096) {
            char *b = realloc(buf, cap ? cap * 2 : 8192);
            if (!b)
                break;
            buf = b;
            cap = cap ? cap * 2 : 8192;
        }
        size_t n = fread(buf + *len, 1, cap - *len, fp);
        *len += n;
        if (n == 0) {
            int ok = !ferror(fp);
            fclose(fp);
            if (ok)
                return buf;
            free(buf);
            return NULL;
        }
    }
    fclose(fp);
    free(buf);
    return NULL;
}

int main(int argc, char **argv)
{
    int threads = 2;
    int status = 0;
    int first_file = 1;
    if (argc > 2 && strcmp(argv[1], "--threads") == 0) {
        char *end;
        long n = strtol(argv[2], &end, 10);
        if (*end || n < 1 || n > 64) {
            fprintf(stderr, "cache_hit: --threads takes 1 to 64\n");
            return 64;
        }
        threads = (int)n;
        first_file = 3;
    }
    printf("cost of a cache hit, ns per call (best of %d rounds): "
           "nz_cache_get_text(), nz_cache_get()\n",
           ROUNDS);
    status |= bench_one("small built-in schema", small_schema,
                        strlen(small_schema), threads);
    for (int i = first_file; i < argc; i++) {
        size_t len = 0;
        char *text = read_file(argv[i], &len);
        if (!text) {
            fprintf(stderr, "%s: cannot read\n", argv[i]);
            status = 1;
            continue;
        }
        const char *base = strrchr(argv[i], '/');
        const char *parent = base;
        while (parent && parent > argv[i] && parent[-1] != '/')
            parent--;
        status |= bench_one(parent ? parent : argv[i], text, len, threads);
        free(text);
    }
    return status;
}
