/* nz_cache_get_text(): the cache's way in for schema text.
 *
 * Why it exists: a lookup by tree (nz_cache_get) must walk the caller's
 * whole tree to build its content key, ~20 ns a node through jansson's
 * accessors: over a microsecond for the 2020-12 meta-schema, several for
 * draft-07's. A caller that holds the schema's text (a file's bytes, a
 * request body, a Python str) can skip both the parse and the walk: the
 * text is hashed (XXH3, memory speed) and confirmed with one memcmp()
 * against the texts each entry was reached by.
 *
 * Text not seen before is parsed and looked up by content, as
 * nz_cache_get() does, so whitespace and member order still do not
 * matter; the new spelling is then remembered as an alias of the entry it
 * reached (at most NZ_CACHE_MAX_TEXT_ALIASES per entry, the oldest
 * replaced), so the next lookup with the same bytes is a text hit.
 * Aliases live and die with their entry: evicting the entry unlinks them,
 * freeing it frees them.
 */
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "core/alloc.h"
#include "core/diag_set.h"
#include "normalize/error.h"
#include "normalize/read.h"
#include "schema/cache_impl.h"
#include "schema/content_key.h"

static uint64_t text_hash(const char *text, size_t len,
                          const cache_key_opts *k)
{
    return nz_hash_mix64(XXH3_64bits(text, len) ^ nz_cache_key_opts_hash(k));
}

static text_alias **bucket(nz_cache *c, uint64_t hash)
{
    return &c->text_table[hash & (c->nbuckets - 1)];
}

static text_alias *find_alias(nz_cache *c, uint64_t hash,
                              const cache_key_opts *k, const char *text,
                              size_t len)
{
    for (text_alias *a = *bucket(c, hash); a; a = a->next) {
        if (a->hash == hash && a->len == len &&
            nz_cache_key_opts_equal(&a->owner->opts, k) &&
            memcmp(a->text, text, len) == 0)
            return a;
    }
    return NULL;
}

static void unlink_alias(nz_cache *c, text_alias *a)
{
    for (text_alias **p = bucket(c, a->hash); *p; p = &(*p)->next) {
        if (*p == a) {
            *p = a->next;
            break;
        }
    }
    a->next = NULL;
}

void nz_cache_text_link(nz_cache *c, cache_entry *e)
{
    for (unsigned i = 0; i < e->alias_count; i++) {
        text_alias **b = bucket(c, e->aliases[i]->hash);
        e->aliases[i]->next = *b;
        *b = e->aliases[i];
    }
}

void nz_cache_text_unlink(nz_cache *c, cache_entry *e)
{
    for (unsigned i = 0; i < e->alias_count; i++)
        unlink_alias(c, e->aliases[i]);
}

void nz_cache_text_free(cache_entry *e)
{
    for (unsigned i = 0; i < e->alias_count; i++)
        nz_free(e->aliases[i]);
    e->alias_count = 0;
}

/* Give a to the entry it names (lock held). Returns what the caller must
 * free once the lock is dropped: a itself when the entry is gone or the
 * same text got there first, or the alias a replaced, or NULL. */
static text_alias *attach(nz_cache *c, text_alias *a, uint64_t key_hash,
                          const nz_schema *compiled)
{
    cache_entry *e = c->key_table[key_hash & (c->nbuckets - 1)];
    while (e && !(e->key_hash == key_hash && e->compiled == compiled))
        e = e->key_next;
    if (!e || find_alias(c, a->hash, &e->opts, a->text, a->len))
        return a; /* evicted meanwhile, or another thread was quicker */
    a->owner = e;
    text_alias *old = NULL;
    if (e->alias_count < NZ_CACHE_MAX_TEXT_ALIASES) {
        e->aliases[e->alias_count++] = a;
    } else {
        old = e->aliases[e->alias_next];
        unlink_alias(c, old);
        e->aliases[e->alias_next] = a;
        e->alias_next = (e->alias_next + 1) % NZ_CACHE_MAX_TEXT_ALIASES;
    }
    text_alias **b = bucket(c, a->hash);
    a->next = *b;
    *b = a;
    return old;
}

/* Remember text as a way to the entry holding compiled. Best effort: out
 * of memory only means the next lookup parses again. */
static void remember(nz_cache *c, uint64_t hash, const char *text, size_t len,
                     uint64_t key_hash, const nz_schema *compiled)
{
    if (len > SIZE_MAX - sizeof(text_alias))
        return;
    text_alias *a = nz_alloc(sizeof *a + len);
    if (!a)
        return;
    a->next = NULL;
    a->owner = NULL;
    a->hash = hash;
    a->len = len;
    memcpy(a->text, text, len);
    pthread_mutex_lock(c->lock);
    text_alias *drop = attach(c, a, key_hash, compiled);
    pthread_mutex_unlock(c->lock);
    nz_free(drop);
}

/* Parse the text with the library's JSON reader, so a malformed schema
 * gets the same line:column diagnostics as any other input. */
static int parse_text(const char *text, size_t len,
                      const nz_schema_options *opts, json_t **out,
                      nz_diag *diag)
{
    const char *source = opts && opts->base_uri ? opts->base_uri : "<schema>";
    nz_read_options o;
    nz_read_options_init(&o);
    o.format = NZ_FORMAT_JSON;
    o.flags = NZ_READ_SINGLE_VALUE;
    o.source_name = source;
    nz_reader *rd;
    int rc = nz_reader_open_memory(&rd, text, len, &o, diag);
    if (rc != NZ_OK)
        return rc;
    rc = nz_reader_next(rd, out, diag);
    if (rc > 0) {
        int end = nz_reader_expect_end(rd, diag);
        if (end != NZ_OK) {
            json_decref(*out);
            *out = NULL;
            rc = end;
        }
    }
    nz_reader_close(&rd);
    if (rc == 0)
        return nz_diag_set(diag, NZ_ESYNTAX, source, NULL,
                           "empty schema text");
    return rc > 0 ? NZ_OK : rc;
}

int nz_cache_get_text(nz_cache *c, const char *text, size_t len,
                      const nz_schema_options *opts, nz_registry *reg,
                      nz_schema **out, nz_diag *diag)
{
    if (out)
        *out = NULL;
    if (!c || !text || !out)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "nz_cache_get_text: cache, text and out are "
                           "required");

    cache_key_opts k;
    nz_cache_key_opts_from(&k, opts);
    uint64_t hash = text_hash(text, len, &k);

    pthread_mutex_lock(c->lock);
    text_alias *a = find_alias(c, hash, &k, text, len);
    if (a) {
        nz_cache_touch(c, a->owner);
        c->stats.hits++;
        *out = nz_schema_ref(a->owner->compiled);
        pthread_mutex_unlock(c->lock);
        return NZ_OK;
    }
    pthread_mutex_unlock(c->lock);

    json_t *tree = NULL;
    int rc = parse_text(text, len, opts, &tree, diag);
    if (rc != NZ_OK) {
        pthread_mutex_lock(c->lock);
        c->stats.misses++;
        pthread_mutex_unlock(c->lock);
        return rc;
    }
    uint64_t key_hash;
    bool cached;
    rc = nz_cache_get_keyed(c, tree, opts, reg, out, diag, &key_hash, &cached);
    json_decref(tree);
    if (rc == NZ_OK && cached)
        remember(c, hash, text, len, key_hash, *out);
    return rc;
}
