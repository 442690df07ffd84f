/* Fuzz target for the JSON Schema compiler and validator.
 *
 * Input layout: the schema (JSON) up to the first newline, then the
 * instance (JSON). Every schema that compiles is run in both modes on the
 * instance, and the two modes must agree: fast mode's answer is the
 * all-errors mode's answer, an invalid instance has at least one error
 * and a valid one none.
 *
 * The schema text also goes through the compiled-schema cache, by text
 * and by tree: a cached validator must answer as a fresh compile does.
 * The cache lives across inputs and is kept small, so inputs hit entries
 * and aliases made by earlier ones and evict them all the time.
 *
 * abort() here means a broken promise of the API, never a reaction to bad
 * input (a bad schema is a normal NZ_ESCHEMA / NZ_EUNRESOLVED).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <normalize/normalize.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_schema: %s\n", what);
    abort();
}

static nz_cache *shared_cache(void)
{
    static nz_cache *cache;
    if (!cache) {
        nz_cache_options o;
        nz_cache_options_init(&o);
        o.max_entries = 8;
        if (nz_cache_open(&cache, &o) != NZ_OK)
            fail("cannot open a cache");
    }
    return cache;
}

/* The cache's answers for this schema against the fresh compile's (rc,
 * fast: fast is its nz_schema_check answer when rc is NZ_OK). */
static void check_cache(const char *text, size_t len, const json_t *schema,
                        const json_t *instance, int rc, int fast)
{
    nz_cache *cache = shared_cache();
    nz_schema *by_text = NULL, *by_tree = NULL;
    nz_diag d;
    int trc = nz_cache_get_text(cache, text, len, NULL, NULL, &by_text, &d);
    int grc = nz_cache_get(cache, schema, NULL, NULL, &by_tree, &d);
    if ((trc == NZ_OK) != (by_text != NULL) ||
        (grc == NZ_OK) != (by_tree != NULL))
        fail("cache result and code disagree");
    /* The tree is the same schema as the one compiled: same outcome. The
     * text goes through the library's reader, which refuses some texts
     * jansson takes (duplicate keys, depth): only when it parses does its
     * outcome have to match. */
    if (rc != NZ_ENOMEM && grc != NZ_ENOMEM && (rc == NZ_OK) != (grc == NZ_OK))
        fail("cache by tree and compile disagree on the schema");
    if (rc != NZ_ENOMEM && trc != NZ_ENOMEM &&
        ((trc == NZ_ESCHEMA || trc == NZ_EUNRESOLVED) && rc == NZ_OK))
        fail("cache by text refused a schema compile took");
    if (rc != NZ_ENOMEM && trc == NZ_OK && rc != NZ_OK)
        fail("cache by text took a schema compile refused");
    if (rc == NZ_OK && by_tree && nz_schema_check(by_tree, instance) != fast)
        fail("validator from the cache (tree) answers differently");
    if (rc == NZ_OK && by_text && nz_schema_check(by_text, instance) != fast)
        fail("validator from the cache (text) answers differently");
    nz_schema_unref(&by_text);
    nz_schema_unref(&by_tree);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t slen = nl ? (size_t)(nl - data) : size;
    json_error_t je;
    json_t *schema = json_loadb((const char *)data, slen,
                                JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
    if (!schema)
        return 0;
    json_t *instance = NULL;
    if (nl)
        instance = json_loadb((const char *)nl + 1, size - slen - 1,
                              JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
    if (!instance)
        instance = json_null();

    nz_schema *s = NULL;
    nz_diag d;
    int fast = 0;
    int rc = nz_schema_compile(&s, schema, NULL, NULL, &d);
    if (rc == NZ_OK) {
        if (!s)
            fail("compiled without a schema");
        fast = nz_schema_check(s, instance);
        nz_result *res = NULL;
        int all = nz_schema_validate(s, instance, 0, &res);
        if (fast != all && all != NZ_ENOMEM)
            fail("fast and all-errors modes disagree");
        if (all == 0 && nz_result_count(res) == 0)
            fail("invalid without an error");
        if (all == 1 && nz_result_count(res) != 0)
            fail("valid with errors");
        for (size_t i = 0; i < nz_result_count(res); i++) {
            const nz_validation_error *e = nz_result_error(res, i);
            if (!e || !e->instance_location || !e->keyword_location ||
                !e->absolute_keyword_location || !e->keyword || !e->message)
                fail("error with a missing field");
        }
        nz_result_free(&res);
        if (nz_schema_size(s) == 0)
            fail("compiled schema of size 0");
        nz_schema_unref(&s);
    } else {
        if (s)
            fail("failed compile left a schema");
        if (d.code != rc || !d.text[0])
            fail("failed compile without a diagnostic");
    }
    check_cache((const char *)data, slen, schema, instance, rc, fast);
    json_decref(instance);
    json_decref(schema);
    return 0;
}
