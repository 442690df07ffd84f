/* nz_cache_get_text(): the schema cache looked up by the schema's text.
 * What a caller relies on: the same bytes hit without parsing (nothing is
 * allocated), other spellings of the same content still hit, text and tree
 * lookups share entries, options are part of the key, malformed text is
 * reported with its line and column, evicted entries are forgotten, and
 * an entry remembers a bounded number of spellings.
 *
 * "Allocates nothing" is observed with the allocation-failure hook: armed
 * to fail the very next allocation, a text hit must succeed and leave the
 * failure unused; a parse would have tripped it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/alloc.h"
#include "normalize/normalize.h"

static const char schema_a[] =
    "{\"type\":\"object\",\"properties\":{\"n\":{\"minimum\":1}}}";
/* The same content: other whitespace, other member order. */
static const char schema_a_spaced[] =
    "{ \"properties\" : { \"n\" : { \"minimum\" : 1 } },\n  \"type\" : "
    "\"object\" }";
static const char schema_b[] = "{\"type\":\"string\"}";

static nz_cache *open_cache(size_t max_entries)
{
    nz_cache_options o;
    nz_cache_options_init(&o);
    o.max_entries = max_entries;
    nz_cache *c = NULL;
    assert_int_equal(nz_cache_open(&c, &o), NZ_OK);
    return c;
}

static nz_schema *get(nz_cache *c, const char *text,
                      const nz_schema_options *o)
{
    nz_schema *s = NULL;
    nz_diag d = {0};
    int rc = nz_cache_get_text(c, text, strlen(text), o, NULL, &s, &d);
    if (rc != NZ_OK)
        fail_msg("nz_cache_get_text(%s) = %s: %s", text, nz_err_name(rc),
                 d.text);
    assert_non_null(s);
    return s;
}

static nz_cache_stats stats(const nz_cache *c)
{
    nz_cache_stats st;
    nz_cache_stats_get(c, &st);
    return st;
}

/* Does a get of text succeed without allocating anything? */
static int hits_without_allocating(nz_cache *c, const char *text)
{
    nz_schema *s = NULL;
    nz_alloc_fail_after(0);
    int rc = nz_cache_get_text(c, text, strlen(text), NULL, NULL, &s, NULL);
    int allocated = nz_alloc_failed();
    nz_alloc_fail_after(-1);
    nz_schema_unref(&s);
    return rc == NZ_OK && !allocated;
}

static int check_int(const nz_schema *s, long long v)
{
    json_t *i = json_integer(v);
    int rc = nz_schema_check(s, i);
    json_decref(i);
    return rc;
}

static void text_hit_on_same_bytes_allocates_nothing(void **state)
{
    (void)state;
    nz_cache *c = open_cache(0);
    nz_schema *first = get(c, schema_a, NULL);
    nz_schema *again = get(c, schema_a, NULL);
    assert_ptr_equal(first, again);
    nz_cache_stats st = stats(c);
    assert_int_equal(st.misses, 1);
    assert_int_equal(st.hits, 1);
    assert_true(hits_without_allocating(c, schema_a));
    /* Text need not end in NUL: only len bytes count. */
    char padded[sizeof schema_a + 8];
    memcpy(padded, schema_a, sizeof schema_a - 1);
    memcpy(padded + sizeof schema_a - 1, "garbage", 8);
    nz_schema *s = NULL;
    assert_int_equal(nz_cache_get_text(c, padded, sizeof schema_a - 1, NULL,
                                       NULL, &s, NULL),
                     NZ_OK);
    assert_ptr_equal(s, first);
    nz_schema_unref(&s);
    nz_schema_unref(&first);
    nz_schema_unref(&again);
    nz_cache_close(&c);
}

static void text_of_same_content_hits_and_is_remembered(void **state)
{
    (void)state;
    nz_cache *c = open_cache(0);
    nz_schema *a = get(c, schema_a, NULL);
    /* First time: parsed, found by content, no compile. */
    nz_schema *spaced = get(c, schema_a_spaced, NULL);
    assert_ptr_equal(a, spaced);
    assert_int_equal(stats(c).misses, 1);
    /* From then on a text hit of its own. */
    assert_true(hits_without_allocating(c, schema_a_spaced));
    nz_schema_unref(&a);
    nz_schema_unref(&spaced);
    nz_cache_close(&c);
}

static void text_and_tree_lookups_share_entries(void **state)
{
    (void)state;
    nz_cache *c = open_cache(0);
    json_t *tree = json_loads(schema_b, 0, NULL);
    nz_schema *by_tree = NULL;
    assert_int_equal(nz_cache_get(c, tree, NULL, NULL, &by_tree, NULL),
                     NZ_OK);
    nz_schema *by_text = get(c, schema_b, NULL);
    assert_ptr_equal(by_tree, by_text);
    nz_schema *a_text = get(c, schema_a, NULL);
    json_t *a_tree = json_loads(schema_a_spaced, 0, NULL);
    nz_schema *a_by_tree = NULL;
    assert_int_equal(nz_cache_get(c, a_tree, NULL, NULL, &a_by_tree, NULL),
                     NZ_OK);
    assert_ptr_equal(a_text, a_by_tree);
    assert_int_equal(stats(c).misses, 2);
    json_decref(tree);
    json_decref(a_tree);
    nz_schema_unref(&by_tree);
    nz_schema_unref(&by_text);
    nz_schema_unref(&a_text);
    nz_schema_unref(&a_by_tree);
    nz_cache_close(&c);
}

static void text_key_includes_options(void **state)
{
    (void)state;
    nz_cache *c = open_cache(0);
    /* Draft 4 reads exclusiveMaximum as a boolean next to maximum; 2020-12
     * as a number of its own: one text, two validators, two answers. */
    const char text[] = "{\"maximum\":5,\"exclusiveMaximum\":true}";
    nz_schema_options d4;
    nz_schema_options_init(&d4);
    d4.dialect = NZ_DIALECT_DRAFT4;
    nz_schema *s4 = get(c, text, &d4);
    assert_int_equal(check_int(s4, 5), 0);
    assert_int_equal(check_int(s4, 4), 1);
    nz_schema *s = NULL;
    nz_diag d = {0};
    /* In 2020-12 a boolean exclusiveMaximum is a schema error. */
    assert_int_equal(nz_cache_get_text(c, text, strlen(text), NULL, NULL, &s,
                                       &d),
                     NZ_ESCHEMA);
    assert_null(s);
    nz_schema *again = get(c, text, &d4);
    assert_ptr_equal(s4, again);
    nz_cache_stats st = stats(c);
    assert_int_equal(st.misses, 2);
    assert_int_equal(st.hits, 1);
    nz_schema_unref(&s4);
    nz_schema_unref(&again);
    nz_cache_close(&c);
}

static void malformed_text_is_reported_with_position(void **state)
{
    (void)state;
    nz_cache *c = open_cache(0);
    const char bad[] = "{\n  \"type\": \"object\",,\n}";
    nz_schema *s = NULL;
    nz_diag d = {0};
    assert_int_equal(nz_cache_get_text(c, bad, strlen(bad), NULL, NULL, &s,
                                       &d),
                     NZ_ESYNTAX);
    assert_null(s);
    assert_string_equal(d.source, "<schema>");
    assert_int_equal(d.line, 2);
    assert_int_equal(d.column, 20); /* the second comma */

    nz_schema_options o;
    nz_schema_options_init(&o);
    o.base_uri = "https://example.com/s.json";
    nz_diag d2 = {0};
    assert_int_equal(nz_cache_get_text(c, "{} {}", 5, &o, NULL, &s, &d2),
                     NZ_ESYNTAX);
    assert_string_equal(d2.source, "https://example.com/s.json");
    assert_int_equal(d2.line, 1);
    assert_int_equal(d2.column, 4);

    nz_diag d3 = {0};
    assert_int_equal(nz_cache_get_text(c, "  \n", 3, NULL, NULL, &s, &d3),
                     NZ_ESYNTAX);
    assert_non_null(strstr(d3.text, "empty"));
    /* Nothing was kept: every failure is a miss, the cache is empty. */
    nz_cache_stats st = stats(c);
    assert_int_equal(st.misses, 3);
    assert_int_equal(st.entries, 0);
    nz_cache_close(&c);
}

static void evicted_entry_forgets_its_text(void **state)
{
    (void)state;
    nz_cache *c = open_cache(1);
    nz_schema *a = get(c, schema_a, NULL);
    nz_schema *b = get(c, schema_b, NULL); /* evicts a */
    assert_int_equal(stats(c).evictions, 1);
    nz_schema *a2 = get(c, schema_a, NULL); /* compiled again */
    assert_ptr_not_equal(a2, a);
    nz_cache_stats st = stats(c);
    assert_int_equal(st.misses, 3);
    assert_int_equal(st.evictions, 2);
    nz_schema_unref(&a2);
    /* The validator held across the eviction still answers. */
    json_t *obj = json_pack("{s:i}", "n", 0);
    assert_int_equal(nz_schema_check(a, obj), 0);
    json_decref(obj);
    nz_schema_unref(&a);
    nz_schema_unref(&b);
    nz_cache_close(&c);
}

static void entry_remembers_a_bounded_number_of_spellings(void **state)
{
    (void)state;
    nz_cache *c = open_cache(0);
    /* Six spellings of one schema: the same content, other whitespace. */
    char spelling[6][64];
    for (int i = 0; i < 6; i++)
        snprintf(spelling[i], sizeof spelling[i], "{%*s\"minimum\": 3}", i,
                 "");
    nz_schema *first = get(c, spelling[0], NULL);
    for (int i = 1; i < 6; i++) {
        nz_schema *s = get(c, spelling[i], NULL);
        assert_ptr_equal(s, first);
        nz_schema_unref(&s);
    }
    assert_int_equal(stats(c).misses, 1);
    /* The newest four are text hits; the two oldest were replaced and
     * need a parse again (a content hit all the same). */
    for (int i = 2; i < 6; i++)
        assert_true(hits_without_allocating(c, spelling[i]));
    nz_schema *s = get(c, spelling[1], NULL);
    assert_ptr_equal(s, first);
    assert_int_equal(stats(c).misses, 1);
    /* (This failed lookup, out of memory in the parse, counts a miss.) */
    assert_false(hits_without_allocating(c, spelling[0]));
    nz_schema_unref(&s);
    nz_schema_unref(&first);
    nz_cache_close(&c);
}

static void text_lookup_rejects_bad_arguments(void **state)
{
    (void)state;
    nz_cache *c = open_cache(0);
    nz_schema *s = (nz_schema *)&s; /* must be reset to NULL */
    nz_diag d = {0};
    assert_int_equal(nz_cache_get_text(NULL, "{}", 2, NULL, NULL, &s, &d),
                     NZ_EINVAL);
    assert_null(s);
    assert_int_equal(nz_cache_get_text(c, NULL, 0, NULL, NULL, &s, &d),
                     NZ_EINVAL);
    assert_int_equal(nz_cache_get_text(c, "{}", 2, NULL, NULL, NULL, &d),
                     NZ_EINVAL);
    nz_cache_close(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(text_hit_on_same_bytes_allocates_nothing),
        cmocka_unit_test(text_of_same_content_hits_and_is_remembered),
        cmocka_unit_test(text_and_tree_lookups_share_entries),
        cmocka_unit_test(text_key_includes_options),
        cmocka_unit_test(malformed_text_is_reported_with_position),
        cmocka_unit_test(evicted_entry_forgets_its_text),
        cmocka_unit_test(entry_remembers_a_bounded_number_of_spellings),
        cmocka_unit_test(text_lookup_rejects_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
