/* nz_cache: what a user of the compiled-schema cache relies on — hits for
 * the same content whatever its layout, misses when options differ, LRU
 * eviction by count and by bytes, lookup by $id, statistics, validators
 * that outlive their eviction, and many threads at once.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "normalize/normalize.h"
#include "schema/content_key.h"

/* ---- helpers ---------------------------------------------------------- */

static json_t *parse(const char *text)
{
    json_error_t err;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &err);
    if (!v)
        fail_msg("test schema does not parse: %s: %s", text, err.text);
    return v;
}

static nz_cache *open_cache(size_t max_entries, size_t max_bytes)
{
    nz_cache_options o;
    nz_cache_options_init(&o);
    o.max_entries = max_entries;
    o.max_bytes = max_bytes;
    nz_cache *c = NULL;
    assert_int_equal(nz_cache_open(&c, &o), NZ_OK);
    assert_non_null(c);
    return c;
}

/* Options with a fixed base URI: without one each compile generates its
 * own ("urn:...:N"), and sizes would differ when N gains a digit. */
static const nz_schema_options *fixed_base(void)
{
    static nz_schema_options o;
    nz_schema_options_init(&o);
    o.base_uri = "https://example.com/cache-test";
    return &o;
}

/* nz_cache_get on schema text; returns the new reference. */
static nz_schema *get_text(nz_cache *c, const char *text,
                           const nz_schema_options *o)
{
    json_t *s = parse(text);
    nz_schema *out = NULL;
    nz_diag d = {0};
    int rc = nz_cache_get(c, s, o, NULL, &out, &d);
    if (rc != NZ_OK)
        fail_msg("nz_cache_get(%s) = %s: %s", text, nz_err_name(rc), d.text);
    json_decref(s);
    assert_non_null(out);
    return out;
}

/* Get and release at once: only the cache's own effect matters. */
static void touch_text(nz_cache *c, const char *text)
{
    nz_schema *s = get_text(c, text, NULL);
    nz_schema_unref(&s);
}

/* The same with fixed_base() options, for tests that count bytes. */
static void touch_sized(nz_cache *c, const char *text)
{
    nz_schema *s = get_text(c, text, fixed_base());
    nz_schema_unref(&s);
}

static int is_cached_sized(nz_cache *c, const char *text)
{
    nz_cache_stats st;
    nz_cache_stats_get(c, &st);
    uint64_t before = st.hits;
    touch_sized(c, text);
    nz_cache_stats_get(c, &st);
    return st.hits == before + 1;
}

static nz_cache_stats stats(const nz_cache *c)
{
    nz_cache_stats st;
    nz_cache_stats_get(c, &st);
    return st;
}

/* Is text cached? Asks once and reads the hit counter (this touches the
 * entry, or compiles and inserts it when absent, like any get). */
static int is_cached(nz_cache *c, const char *text)
{
    uint64_t before = stats(c).hits;
    touch_text(c, text);
    return stats(c).hits == before + 1;
}

/* nz_schema_size() of text compiled with fixed_base() options. */
static size_t compiled_size(const char *text)
{
    json_t *s = parse(text);
    nz_schema *v = NULL;
    assert_int_equal(nz_schema_compile(&v, s, fixed_base(), NULL, NULL),
                     NZ_OK);
    size_t n = nz_schema_size(v);
    nz_schema_unref(&v);
    json_decref(s);
    assert_true(n > 0);
    return n;
}

static int check_int(const nz_schema *s, json_int_t i)
{
    json_t *v = json_integer(i);
    int r = nz_schema_check(s, v);
    json_decref(v);
    return r;
}

/* ---- content keys --------------------------------------------------------- */

static uint64_t key_hash(const json_t *v, size_t depth, int *rc)
{
    nz_content_key k;
    *rc = nz_content_key_build(&k, v, depth);
    uint64_t h = k.hash;
    nz_content_key_free(&k);
    return h;
}

static void content_key_ignores_member_order_only(void **state)
{
    (void)state;
    json_t *a = parse("{\"a\": 1, \"b\": [true, null, \"x\"], "
                      "\"c\": {\"d\": 2.5, \"e\": {}}}");
    json_t *b = parse("{\"c\": {\"e\": {}, \"d\": 2.5}, "
                      "\"b\": [true, null, \"x\"], \"a\": 1}");
    json_t *swapped = parse("{\"a\": 2.5, \"b\": [true, null, \"x\"], "
                            "\"c\": {\"d\": 1, \"e\": {}}}");
    json_t *reordered = parse("{\"a\": 1, \"b\": [null, true, \"x\"], "
                              "\"c\": {\"d\": 2.5, \"e\": {}}}");
    int rc;
    uint64_t ha = key_hash(a, 64, &rc);
    assert_int_equal(rc, 0);
    assert_true(ha == key_hash(b, 64, &rc));
    assert_true(ha != key_hash(swapped, 64, &rc)); /* values moved */
    assert_true(ha != key_hash(reordered, 64, &rc)); /* array order counts */
    assert_true(nz_json_content_equal(a, b, 64));
    assert_false(nz_json_content_equal(a, swapped, 64));
    assert_false(nz_json_content_equal(a, reordered, 64));

    /* Equal bytes for the same layout; other bytes for another member
     * order (the cache then compares the trees). */
    nz_content_key k1, k2;
    json_t *a2 = json_deep_copy(a);
    assert_int_equal(nz_content_key_build(&k1, a, 64), 0);
    assert_int_equal(nz_content_key_build(&k2, a2, 64), 0);
    assert_int_equal(k1.len, k2.len);
    assert_memory_equal(k1.bytes, k2.bytes, k1.len);
    nz_content_key_free(&k2);
    assert_int_equal(nz_content_key_build(&k2, b, 64), 0);
    assert_true(k1.len != k2.len || memcmp(k1.bytes, k2.bytes, k1.len) != 0);
    nz_content_key_free(&k1);
    nz_content_key_free(&k2);
    json_decref(a2);

    /* -0.0 == 0.0 for json_equal, so they must key alike; 1 and 1.0 are
     * different JSON and may mean different schemas in draft 4. */
    json_t *z1 = json_real(0.0), *z2 = json_real(-0.0);
    json_t *i1 = json_integer(1), *r1 = json_real(1.0);
    assert_true(key_hash(z1, 1, &rc) == key_hash(z2, 1, &rc));
    assert_true(nz_json_content_equal(z1, z2, 1));
    assert_false(nz_json_content_equal(i1, r1, 1));
    /* Too deep for the limit: refused, not a stack overflow. */
    key_hash(a, 1, &rc);
    assert_int_equal(rc, -1);
    assert_false(nz_json_content_equal(a, b, 1));
    json_decref(z1);
    json_decref(z2);
    json_decref(i1);
    json_decref(r1);
    json_decref(a);
    json_decref(b);
    json_decref(swapped);
    json_decref(reordered);
}

/* A key larger than the inline buffer moves to the heap and stays exact. */
static void content_key_grows_past_inline_buffer(void **state)
{
    (void)state;
    json_t *big = json_object();
    char name[32];
    for (int i = 0; i < 600; i++) {
        snprintf(name, sizeof name, "property_%d", i);
        json_object_set_new(big, name, json_string("a longer string value"));
    }
    json_t *copy = json_deep_copy(big);
    nz_content_key k1, k2;
    assert_int_equal(nz_content_key_build(&k1, big, 8), 0);
    assert_int_equal(nz_content_key_build(&k2, copy, 8), 0);
    assert_true(k1.len > NZ_CONTENT_KEY_INLINE);
    assert_ptr_not_equal(k1.bytes, k1.inline_buf);
    assert_true(k1.hash == k2.hash);
    assert_int_equal(k1.len, k2.len);
    assert_memory_equal(k1.bytes, k2.bytes, k1.len);
    nz_content_key_free(&k1);
    nz_content_key_free(&k2);
    json_decref(big);
    json_decref(copy);
}

/* ---- keys ----------------------------------------------------------------- */

static void cache_hits_same_content_in_another_layout(void **state)
{
    (void)state;
    nz_cache *c = open_cache(0, 0);
    nz_schema *a = get_text(c,
        "{\"type\":\"object\",\"properties\":{\"n\":{\"minimum\":1},"
        "\"s\":{\"type\":\"string\"}},\"required\":[\"n\"]}", NULL);
    nz_schema *b = get_text(c,
        "{\n  \"required\" : [ \"n\" ],\n  \"properties\" : {\n"
        "    \"s\" : { \"type\" : \"string\" },\n"
        "    \"n\" : { \"minimum\" : 1 }\n  },\n  \"type\" : \"object\"\n}",
        NULL);
    assert_ptr_equal(a, b); /* the same compiled validator, shared */
    nz_cache_stats st = stats(c);
    assert_int_equal(st.hits, 1);
    assert_int_equal(st.misses, 1);
    assert_int_equal(st.entries, 1);
    nz_schema_unref(&a);
    nz_schema_unref(&b);
    nz_cache_close(&c);
    assert_null(c);
}

static void cache_misses_on_other_content(void **state)
{
    (void)state;
    nz_cache *c = open_cache(0, 0);
    touch_text(c, "{\"properties\":{\"a\":{\"type\":\"string\"},"
                  "\"b\":{\"type\":\"integer\"}}}");
    /* Same keys and values, paired differently. */
    touch_text(c, "{\"properties\":{\"a\":{\"type\":\"integer\"},"
                  "\"b\":{\"type\":\"string\"}}}");
    touch_text(c, "{\"enum\":[1,2]}");
    touch_text(c, "{\"enum\":[2,1]}");
    nz_cache_stats st = stats(c);
    assert_int_equal(st.hits, 0);
    assert_int_equal(st.misses, 4);
    assert_int_equal(st.entries, 4);
    nz_cache_close(&c);
}

static void cache_misses_on_other_options(void **state)
{
    (void)state;
    nz_cache *c = open_cache(0, 0);
    const char *text = "{\"type\":\"string\",\"format\":\"date\"}";
    nz_schema_options o;
    nz_schema_options_init(&o);
    nz_schema *plain = get_text(c, text, &o);

    o.flags = NZ_SCHEMA_ASSERT_FORMATS;
    nz_schema *formats = get_text(c, text, &o);
    assert_ptr_not_equal(plain, formats);
    /* The difference is real: the format asserts in one only. */
    json_t *bad_date = json_string("2020-13-45");
    assert_int_equal(nz_schema_check(plain, bad_date), 1);
    assert_int_equal(nz_schema_check(formats, bad_date), 0);
    json_decref(bad_date);

    nz_schema_options_init(&o);
    o.dialect = NZ_DIALECT_DRAFT7;
    nz_schema *d7 = get_text(c, text, &o);
    assert_ptr_not_equal(plain, d7);
    assert_int_equal(nz_schema_dialect(d7), NZ_DIALECT_DRAFT7);

    nz_schema_options_init(&o);
    o.base_uri = "https://example.com/a.json";
    nz_schema *based = get_text(c, text, &o);
    assert_ptr_not_equal(plain, based);

    nz_schema_options_init(&o);
    o.regex_match_limit = 1000;
    nz_schema *limited = get_text(c, text, &o);
    assert_ptr_not_equal(plain, limited);

    /* AUTO means 2020-12: the same key. */
    nz_schema_options_init(&o);
    o.dialect = NZ_DIALECT_2020_12;
    nz_schema *again = get_text(c, text, &o);
    assert_ptr_equal(plain, again);
    /* And NULL options are the defaults. */
    nz_schema *dflt = get_text(c, text, NULL);
    assert_ptr_equal(plain, dflt);

    nz_cache_stats st = stats(c);
    assert_int_equal(st.misses, 5);
    assert_int_equal(st.hits, 2);
    assert_int_equal(st.entries, 5);
    nz_schema_unref(&plain);
    nz_schema_unref(&formats);
    nz_schema_unref(&d7);
    nz_schema_unref(&based);
    nz_schema_unref(&limited);
    nz_schema_unref(&again);
    nz_schema_unref(&dflt);
    nz_cache_close(&c);
}

/* ---- bounds --------------------------------------------------------------- */

static const char *const numbered[] = {
    "{\"minimum\": 10}", "{\"minimum\": 11}", "{\"minimum\": 12}",
    "{\"minimum\": 13}", "{\"minimum\": 14}",
};

static void cache_evicts_least_recently_used(void **state)
{
    (void)state;
    nz_cache *c = open_cache(3, 0);
    touch_text(c, numbered[0]);
    touch_text(c, numbered[1]);
    touch_text(c, numbered[2]);
    touch_text(c, numbered[0]); /* hit: 0 is now the newest */
    touch_text(c, numbered[3]); /* evicts 1, the least recently used */
    nz_cache_stats st = stats(c);
    assert_int_equal(st.entries, 3);
    assert_int_equal(st.evictions, 1);
    assert_int_equal(st.hits, 1);

    /* Order now (oldest first): 2, 0, 3. */
    assert_true(is_cached(c, numbered[2])); /* -> 0, 3, 2 */
    assert_true(is_cached(c, numbered[0])); /* -> 3, 2, 0 */
    assert_false(is_cached(c, numbered[1])); /* miss; evicts 3 */
    assert_false(is_cached(c, numbered[3])); /* miss; evicts 2 */
    assert_true(is_cached(c, numbered[0]));
    assert_true(is_cached(c, numbered[1]));
    st = stats(c);
    assert_int_equal(st.entries, 3);
    assert_int_equal(st.evictions, 3);
    nz_cache_close(&c);
}

static void cache_keeps_bytes_under_bound(void **state)
{
    (void)state;
    size_t s0 = compiled_size(numbered[0]);
    size_t s1 = compiled_size(numbered[1]);
    size_t s2 = compiled_size(numbered[2]);
    size_t s3 = compiled_size(numbered[3]);
    /* Room for 0, 1 and 2 less one byte: the third forces out the first. */
    nz_cache *c = open_cache(100, s0 + s1 + s2 - 1);
    touch_sized(c, numbered[0]);
    touch_sized(c, numbered[1]);
    nz_cache_stats st = stats(c);
    assert_int_equal(st.bytes, s0 + s1);
    assert_int_equal(st.evictions, 0);
    touch_sized(c, numbered[2]);
    st = stats(c);
    assert_int_equal(st.entries, 2);
    assert_int_equal(st.evictions, 1);
    assert_int_equal(st.bytes, s1 + s2);
    assert_true(st.bytes <= s0 + s1 + s2 - 1);
    assert_true(is_cached_sized(c, numbered[1]));
    touch_sized(c, numbered[3]); /* evicts 2 (1 was just used) */
    st = stats(c);
    assert_int_equal(st.bytes, s1 + s3);
    assert_true(is_cached_sized(c, numbered[1]));
    assert_true(is_cached_sized(c, numbered[3]));
    nz_cache_close(&c);
}

static void cache_does_not_keep_schema_bigger_than_bound(void **state)
{
    (void)state;
    nz_cache *c = open_cache(10, 1); /* no compiled schema fits in 1 byte */
    nz_schema *s = get_text(c, numbered[0], NULL);
    assert_int_equal(check_int(s, 10), 1); /* still a working validator */
    assert_int_equal(check_int(s, 9), 0);
    nz_schema_unref(&s);
    nz_cache_stats st = stats(c);
    assert_int_equal(st.entries, 0);
    assert_int_equal(st.bytes, 0);
    assert_false(is_cached(c, numbered[0]));
    nz_cache_close(&c);
}

static void cache_evicted_schema_stays_usable_while_held(void **state)
{
    (void)state;
    nz_cache *c = open_cache(1, 0);
    nz_schema *held = get_text(c, numbered[0], NULL);
    touch_text(c, numbered[1]); /* evicts the held one */
    assert_int_equal(stats(c).evictions, 1);
    /* The cache dropped its reference; ours keeps it alive and working
     * (ASan and valgrind run this test in CI). */
    assert_int_equal(check_int(held, 10), 1);
    assert_int_equal(check_int(held, 9), 0);
    nz_cache_close(&c);
    assert_int_equal(check_int(held, 11), 1); /* outlives the cache too */
    nz_schema_unref(&held);
    assert_null(held);
}

/* ---- by $id ------------------------------------------------------------- */

static void cache_finds_schema_by_root_id(void **state)
{
    (void)state;
    nz_cache *c = open_cache(3, 0);
    nz_schema *s = get_text(c,
        "{\"$id\":\"https://example.com/person.json\",\"minimum\":3}", NULL);
    nz_schema *byid = NULL;
    assert_int_equal(
        nz_cache_get_by_id(c, "https://example.com/person.json", &byid),
        NZ_OK);
    assert_ptr_equal(byid, s);
    nz_schema_unref(&byid);
    /* An empty fragment names the same resource. */
    assert_int_equal(
        nz_cache_get_by_id(c, "https://example.com/person.json#", &byid),
        NZ_OK);
    assert_ptr_equal(byid, s);
    nz_schema_unref(&byid);
    assert_int_equal(nz_cache_get_by_id(c, "https://example.com/other", &byid),
                     NZ_ENOTFOUND);
    assert_null(byid);

    /* Draft 4 spells it "id". */
    nz_schema_options o;
    nz_schema_options_init(&o);
    o.dialect = NZ_DIALECT_DRAFT4;
    nz_schema *d4 =
        get_text(c, "{\"id\":\"http://example.com/old#\",\"minimum\":1}", &o);
    assert_int_equal(nz_cache_get_by_id(c, "http://example.com/old", &byid),
                     NZ_OK);
    assert_ptr_equal(byid, d4);
    nz_schema_unref(&byid);

    /* A relative root $id is relative to the base URI; ids compare as
     * URIs (scheme and host in any case, dot segments). */
    nz_schema_options_init(&o);
    o.base_uri = "https://example.com/root/";
    nz_schema *rel =
        get_text(c, "{\"$id\":\"sub/item.json\",\"minimum\":2}", &o);
    assert_int_equal(nz_cache_get_by_id(
                         c, "HTTPS://Example.COM/root/x/../sub/item.json",
                         &byid),
                     NZ_OK);
    assert_ptr_equal(byid, rel);
    nz_schema_unref(&byid);
    nz_schema_unref(&rel);

    /* Evicted: no longer found by $id either. */
    touch_text(c, numbered[0]); /* evicts person.json, the oldest of 3 */
    assert_int_equal(
        nz_cache_get_by_id(c, "https://example.com/person.json", &byid),
        NZ_ENOTFOUND);
    assert_int_equal(check_int(s, 3), 1); /* held: still valid to use */
    nz_schema_unref(&s);
    nz_schema_unref(&d4);
    nz_cache_close(&c);
}

/* ---- statistics and errors -------------------------------------------------- */

static void cache_stats_count_compiles_and_failures(void **state)
{
    (void)state;
    nz_cache *c = open_cache(0, 0);
    nz_cache_stats st = stats(c);
    assert_int_equal(st.hits + st.misses + st.evictions + st.compile_ns, 0);
    assert_int_equal(st.entries + st.bytes, 0);

    touch_sized(c, numbered[0]);
    touch_sized(c, numbered[0]);
    st = stats(c);
    assert_int_equal(st.misses, 1);
    assert_int_equal(st.hits, 1);
    assert_true(st.compile_ns > 0);
    assert_int_equal(st.bytes, compiled_size(numbered[0]));

    /* A schema that does not compile: the compiler's error and
     * diagnostic, counted as a miss, nothing cached. */
    json_t *bad = parse("{\"properties\":{\"a\":{\"type\":12}}}");
    nz_schema *out = NULL;
    nz_diag d = {0};
    assert_int_equal(nz_cache_get(c, bad, NULL, NULL, &out, &d), NZ_ESCHEMA);
    assert_null(out);
    assert_int_equal(d.code, NZ_ESCHEMA);
    assert_string_equal(d.path, "/properties/a/type");
    json_decref(bad);
    st = stats(c);
    assert_int_equal(st.misses, 2);
    assert_int_equal(st.entries, 1);
    nz_cache_close(&c);
}

/* Nesting deeper than the cache keys (2048 levels): no stack overflow in
 * the cache; the compiler decides (and refuses, with its own limit). */
static void cache_leaves_too_deep_schema_to_compiler(void **state)
{
    (void)state;
    json_t *s = json_true();
    for (int i = 0; i < 3000; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "not", s);
        s = o;
    }
    nz_cache *c = open_cache(0, 0);
    nz_schema *out = NULL;
    nz_diag d = {0};
    assert_int_equal(nz_cache_get(c, s, NULL, NULL, &out, &d), NZ_ESCHEMA);
    assert_null(out);
    assert_int_equal(d.code, NZ_ESCHEMA);
    nz_cache_stats st = stats(c);
    assert_int_equal(st.misses, 1);
    assert_int_equal(st.entries, 0);
    nz_cache_close(&c);
    json_decref(s);
}

static void cache_rejects_bad_arguments(void **state)
{
    (void)state;
    assert_int_equal(nz_cache_open(NULL, NULL), NZ_EINVAL);
    nz_cache *c = open_cache(0, 0);
    json_t *s = parse("{}");
    static char not_a_schema;
    nz_schema *out = (nz_schema *)(void *)&not_a_schema; /* reset to NULL */
    nz_diag d = {0};
    assert_int_equal(nz_cache_get(c, NULL, NULL, NULL, &out, &d), NZ_EINVAL);
    assert_null(out);
    assert_int_equal(d.code, NZ_EINVAL);
    assert_int_equal(nz_cache_get(NULL, s, NULL, NULL, &out, NULL), NZ_EINVAL);
    assert_int_equal(nz_cache_get(c, s, NULL, NULL, NULL, NULL), NZ_EINVAL);
    assert_int_equal(nz_cache_get_by_id(c, NULL, &out), NZ_EINVAL);
    assert_int_equal(nz_cache_get_by_id(NULL, "x", &out), NZ_EINVAL);
    nz_cache_stats st;
    nz_cache_stats_get(NULL, &st);
    assert_int_equal(st.hits + st.entries, 0);
    nz_cache_stats_get(c, NULL); /* no crash */
    json_decref(s);
    nz_cache_close(&c);
    nz_cache_close(&c); /* NULL is fine */
    nz_cache_close(NULL);
}

/* ---- threads -------------------------------------------------------------- */

/* 8 threads validate with validators they share (fetched from the cache,
 * held across evictions, and fetched again), while 2 more keep compiling
 * new schemas through the same small cache so entries are evicted all the
 * time. Every answer must be right and the counters must add up. Run under
 * TSan in CI (.ci/run) so a data race fails the build. */
#define VALIDATORS 8
#define CHURNERS 2
#define SHARED 4 /* schemas every validator thread uses */
#define ROUNDS 300

typedef struct thread_arg {
    nz_cache *cache;
    nz_schema *shared[SHARED]; /* references held for the whole run */
    int index;
    int wrong;  /* answers that were wrong */
    int failed; /* API calls that failed */
    uint64_t gets;
} thread_arg;

static json_t *minimum_schema(int k, int with_id)
{
    json_t *s = json_object();
    json_object_set_new(s, "minimum", json_integer(k));
    if (with_id) {
        char id[64];
        snprintf(id, sizeof id, "https://example.com/min/%d", k);
        json_object_set_new(s, "$id", json_string(id));
    }
    return s;
}

/* Half the lookups go by tree (nz_cache_get), half by text
 * (nz_cache_get_text) in one of two spellings, so text aliases are made,
 * hit and dropped with their entries while other threads evict. */
static int get_shared(nz_cache *c, json_t *s, int by_text, int spelling,
                      nz_schema **out)
{
    if (!by_text)
        return nz_cache_get(c, s, NULL, NULL, out, NULL);
    char *text = json_dumps(s, spelling ? JSON_INDENT(1) | JSON_SORT_KEYS
                                        : JSON_COMPACT);
    if (!text)
        return NZ_ENOMEM;
    int rc = nz_cache_get_text(c, text, strlen(text), NULL, NULL, out, NULL);
    free(text);
    return rc;
}

static void *validator_thread(void *p)
{
    thread_arg *a = p;
    for (int r = 0; r < ROUNDS; r++) {
        int k = (a->index + r) % SHARED;
        /* The held references: used while churners evict them. */
        if (check_int(a->shared[k], k) != 1 ||
            check_int(a->shared[k], k - 1) != 0)
            a->wrong++;
        /* And the cache's current one (maybe recompiled since). */
        json_t *s = minimum_schema(k, 1);
        nz_schema *v = NULL;
        if (get_shared(a->cache, s, a->index % 2, r % 2, &v) != NZ_OK) {
            a->failed++;
        } else {
            if (check_int(v, k + 1) != 1 || check_int(v, k - 2) != 0)
                a->wrong++;
            nz_schema_unref(&v);
        }
        a->gets++;
        json_decref(s);
        char id[64];
        snprintf(id, sizeof id, "https://example.com/min/%d", k);
        if (nz_cache_get_by_id(a->cache, id, &v) == NZ_OK) {
            if (check_int(v, k) != 1 || check_int(v, k - 1) != 0)
                a->wrong++;
            nz_schema_unref(&v);
        }
    }
    return NULL;
}

static void *churn_thread(void *p)
{
    thread_arg *a = p;
    for (int r = 0; r < ROUNDS; r++) {
        /* Distinct per thread and round: always a miss and an eviction. */
        int k = 1000 + a->index * ROUNDS + r;
        json_t *s = minimum_schema(k, r % 2);
        nz_schema *v = NULL;
        if (get_shared(a->cache, s, r % 3 == 0, r % 2, &v) != NZ_OK) {
            a->failed++;
        } else {
            if (check_int(v, k) != 1 || check_int(v, k - 1) != 0)
                a->wrong++;
            nz_schema_unref(&v);
        }
        a->gets++;
        json_decref(s);
        nz_cache_stats st;
        nz_cache_stats_get(a->cache, &st);
        if (st.entries > 6)
            a->wrong++;
    }
    return NULL;
}

static void cache_shared_by_threads_while_evicting(void **state)
{
    (void)state;
    nz_cache *c = open_cache(6, 0);
    thread_arg args[VALIDATORS + CHURNERS];
    memset(args, 0, sizeof args);
    nz_schema *shared[SHARED];
    for (int k = 0; k < SHARED; k++) {
        json_t *s = minimum_schema(k, 1);
        assert_int_equal(nz_cache_get(c, s, NULL, NULL, &shared[k], NULL),
                         NZ_OK);
        json_decref(s);
    }
    pthread_t tid[VALIDATORS + CHURNERS];
    for (int i = 0; i < VALIDATORS + CHURNERS; i++) {
        args[i].cache = c;
        args[i].index = i;
        for (int k = 0; k < SHARED; k++)
            args[i].shared[k] = shared[k];
        void *(*fn)(void *) = i < VALIDATORS ? validator_thread : churn_thread;
        assert_int_equal(pthread_create(&tid[i], NULL, fn, &args[i]), 0);
    }
    uint64_t gets = SHARED;
    for (int i = 0; i < VALIDATORS + CHURNERS; i++) {
        assert_int_equal(pthread_join(tid[i], NULL), 0);
        assert_int_equal(args[i].wrong, 0);
        assert_int_equal(args[i].failed, 0);
        gets += args[i].gets;
    }
    nz_cache_stats st = stats(c);
    /* get_by_id hits count as hits too: at most one per validator round. */
    assert_true(st.hits + st.misses >= gets);
    uint64_t by_id_hits = st.hits + st.misses - gets;
    assert_true(by_id_hits <= (uint64_t)VALIDATORS * ROUNDS);
    assert_true(st.misses >= (uint64_t)CHURNERS * ROUNDS);
    assert_true(st.evictions > 0);
    assert_true(st.entries <= 6);
    /* Every entry alive or evicted came from its own compile (two
     * threads compiling the same key keep one: then it is fewer). */
    assert_true(st.entries + st.evictions <= st.misses);
    for (int k = 0; k < SHARED; k++) {
        assert_int_equal(check_int(shared[k], k), 1);
        nz_schema_unref(&shared[k]);
    }
    nz_cache_close(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(content_key_ignores_member_order_only),
        cmocka_unit_test(content_key_grows_past_inline_buffer),
        cmocka_unit_test(cache_hits_same_content_in_another_layout),
        cmocka_unit_test(cache_misses_on_other_content),
        cmocka_unit_test(cache_misses_on_other_options),
        cmocka_unit_test(cache_evicts_least_recently_used),
        cmocka_unit_test(cache_keeps_bytes_under_bound),
        cmocka_unit_test(cache_does_not_keep_schema_bigger_than_bound),
        cmocka_unit_test(cache_evicted_schema_stays_usable_while_held),
        cmocka_unit_test(cache_finds_schema_by_root_id),
        cmocka_unit_test(cache_stats_count_compiles_and_failures),
        cmocka_unit_test(cache_leaves_too_deep_schema_to_compiler),
        cmocka_unit_test(cache_rejects_bad_arguments),
        cmocka_unit_test(cache_shared_by_threads_while_evicting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
