/* nz_cache: an LRU of compiled schemas, keyed by the schema's content
 * (plus dialect and options) and indexed by the root $id.
 *
 * Why it looks like this:
 * - The key is the schema's content key (content_key.h): a 64-bit hash
 *   that ignores member order, and an encoding of the tree. A hit is
 *   confirmed by comparing encodings (one memcmp) or, when the member
 *   order differs, the trees themselves, so a hash collision can never
 *   hand out the wrong validator. A hit walks the caller's tree once and
 *   allocates nothing for schemas whose encoding fits on the stack.
 * - One mutex guards the tables, the LRU list and the statistics. Hashing
 *   happens before taking it and compiling happens without it, so a slow
 *   compile never blocks hits. Two threads that miss the same key both
 *   compile; the second to finish finds the first's entry, keeps that one
 *   and drops its own, so callers always share one validator per key.
 * - Entries own one reference to their validator and callers get their
 *   own (nz_schema_ref), so an entry evicted while in use stays alive
 *   until its last holder unrefs it. Evicted entries are released after
 *   the mutex is dropped: freeing a big validator is not done under it.
 * - Bounds: max_bytes sums nz_schema_size() of the entries, as the public
 *   header says; each entry also keeps a copy of its schema tree and its
 *   key bytes (about the schema's size again), not counted. A validator
 *   larger than max_bytes alone is returned but not kept. Failed compiles
 *   are not kept either (the next get compiles again and reports again).
 * - The registry is not part of the key (the public contract says the key
 *   is content, dialect and options): references resolve against the
 *   registry given at the miss. Use one cache per set of registries that
 *   agree on what each URI means.
 */
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/diag_set.h"
#include "core/json_copy.h"
#include "normalize/error.h"
#include "normalize/schema.h"
#include "schema/cache_impl.h"
#include "schema/content_key.h"
#include "schema/uri.h"

#define DEFAULT_MAX_ENTRIES 256
#define DEFAULT_MAX_BYTES ((size_t)64 << 20)
#define INITIAL_BUCKETS 16
/* Deeper schemas are compiled without being cached: hashing, comparing and
 * copying them recursively is where the cache would put the stack at
 * risk; the compiler applies its own limits. The JSON reader never
 * produces deeper trees than this. */
#define MAX_KEY_DEPTH 2048

/* ---- helpers ------------------------------------------------------------- */

static uint64_t now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * UINT64_C(1000000000) + (uint64_t)ts.tv_nsec;
}

void nz_cache_key_opts_from(cache_key_opts *k, const nz_schema_options *o)
{
    nz_schema_options defaults;
    if (!o) {
        nz_schema_options_init(&defaults);
        o = &defaults;
    }
    k->dialect = o->dialect == NZ_DIALECT_AUTO ? (int)NZ_DIALECT_2020_12
                                               : (int)o->dialect;
    k->flags = o->flags;
    k->match_limit = o->regex_match_limit;
    k->depth_limit = o->regex_depth_limit;
    k->base_uri = o->base_uri;
}

uint64_t nz_cache_key_opts_hash(const cache_key_opts *k)
{
    uint64_t h = nz_hash_mix64((uint64_t)(unsigned)k->dialect ^
                               ((uint64_t)k->flags << 32));
    h = nz_hash_mix64(h ^ k->match_limit);
    h = nz_hash_mix64(h + k->depth_limit);
    if (k->base_uri)
        h ^= nz_hash_bytes(k->base_uri, strlen(k->base_uri), 1);
    return h;
}

bool nz_cache_key_opts_equal(const cache_key_opts *a, const cache_key_opts *b)
{
    if (a->dialect != b->dialect || a->flags != b->flags ||
        a->match_limit != b->match_limit || a->depth_limit != b->depth_limit)
        return false;
    if (!a->base_uri || !b->base_uri)
        return a->base_uri == b->base_uri;
    return strcmp(a->base_uri, b->base_uri) == 0;
}

/* An $id as the index keeps it: resolved against the base URI the schema
 * was compiled with (a relative root $id is relative to it), scheme and
 * host in lower case, dot segments removed, and without an empty fragment
 * ("http://x/s#" and "http://x/s" name the same resource; the "#" is
 * common in draft-04 ids). A new string (nz_free), NULL when out of
 * memory. */
static char *id_key(const char *base, const char *id)
{
    char *k = nz_uri_resolve(base, id);
    if (k) {
        size_t n = strlen(k);
        if (n > 0 && k[n - 1] == '#')
            k[n - 1] = '\0';
    }
    return k;
}

/* The root $id of a compiled schema ("id" in draft 4), or NULL when it has
 * none or it is only a fragment (a plain-name anchor in drafts 6 and 7). */
static const char *root_id(const json_t *schema, const nz_schema *compiled)
{
    if (!json_is_object(schema))
        return NULL;
    const char *kw = nz_schema_dialect(compiled) == NZ_DIALECT_DRAFT4 ? "id"
                                                                      : "$id";
    const char *id = json_string_value(json_object_get(schema, kw));
    if (!id || id[0] == '#' || id[0] == '\0')
        return NULL;
    return id;
}

static void entry_free(cache_entry *e)
{
    if (!e)
        return;
    nz_schema_unref(&e->compiled);
    json_decref(e->schema);
    nz_free(e->key);
    nz_free((void *)(uintptr_t)e->opts.base_uri);
    nz_free(e->id);
    nz_cache_text_free(e);
    nz_free(e);
}

/* ---- tables and LRU list (lock held) ------------------------------------ */

static bool same_content(const cache_entry *e, const nz_content_key *key,
                         const json_t *schema)
{
    if (e->key_len == key->len && memcmp(e->key, key->bytes, key->len) == 0)
        return true;
    /* Same hash, other bytes: the same content in another member order,
     * or a collision. The trees decide. */
    return nz_json_content_equal(e->schema, schema, MAX_KEY_DEPTH);
}

static cache_entry *find_key(const nz_cache *c, uint64_t hash, const cache_key_opts *k,
                       const nz_content_key *key, const json_t *schema)
{
    for (cache_entry *e = c->key_table[hash & (c->nbuckets - 1)]; e;
         e = e->key_next) {
        if (e->key_hash == hash && nz_cache_key_opts_equal(&e->opts, k) &&
            same_content(e, key, schema))
            return e;
    }
    return NULL;
}

static void lru_unlink(nz_cache *c, cache_entry *e)
{
    if (e->newer)
        e->newer->older = e->older;
    else
        c->newest = e->older;
    if (e->older)
        e->older->newer = e->newer;
    else
        c->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void lru_push_newest(nz_cache *c, cache_entry *e)
{
    e->newer = NULL;
    e->older = c->newest;
    if (c->newest)
        c->newest->newer = e;
    c->newest = e;
    if (!c->oldest)
        c->oldest = e;
}

void nz_cache_touch(nz_cache *c, cache_entry *e)
{
    e->last_used = ++c->tick;
    if (c->newest != e) {
        lru_unlink(c, e);
        lru_push_newest(c, e);
    }
}

static void table_insert(nz_cache *c, cache_entry *e)
{
    size_t mask = c->nbuckets - 1;
    cache_entry **kb = &c->key_table[e->key_hash & mask];
    e->key_next = *kb;
    *kb = e;
    if (e->id) {
        cache_entry **ib = &c->id_table[e->id_hash & mask];
        e->id_next = *ib;
        *ib = e;
    }
}

static void table_remove(nz_cache *c, cache_entry *e)
{
    size_t mask = c->nbuckets - 1;
    for (cache_entry **p = &c->key_table[e->key_hash & mask]; *p;
         p = &(*p)->key_next) {
        if (*p == e) {
            *p = e->key_next;
            break;
        }
    }
    if (e->id) {
        for (cache_entry **p = &c->id_table[e->id_hash & mask]; *p;
             p = &(*p)->id_next) {
            if (*p == e) {
                *p = e->id_next;
                break;
            }
        }
    }
    e->key_next = e->id_next = NULL;
}

/* Double the tables when they hold more entries than buckets. Out of
 * memory here only means longer chains, never a failure. */
static void maybe_grow(nz_cache *c)
{
    if (c->stats.entries <= c->nbuckets || c->nbuckets > SIZE_MAX / 4 /
                                                            sizeof(cache_entry *))
        return;
    size_t n = c->nbuckets * 2;
    cache_entry **kt = nz_zalloc(n * sizeof *kt);
    cache_entry **it = nz_zalloc(n * sizeof *it);
    text_alias **tt = nz_zalloc(n * sizeof *tt);
    if (!kt || !it || !tt) {
        nz_free(kt);
        nz_free(it);
        nz_free(tt);
        return;
    }
    nz_free(c->key_table);
    nz_free(c->id_table);
    nz_free(c->text_table);
    c->key_table = kt;
    c->id_table = it;
    c->text_table = tt;
    c->nbuckets = n;
    for (cache_entry *e = c->newest; e; e = e->older) {
        table_insert(c, e);
        nz_cache_text_link(c, e);
    }
}

/* Evict the least recently used entries until both bounds hold, keeping
 * keep (just inserted, known to fit alone). Evicted entries are chained
 * through ->older into *out, to be freed once the lock is dropped. */
static void evict(nz_cache *c, const cache_entry *keep, cache_entry **out)
{
    while ((c->stats.entries > c->max_entries ||
            c->stats.bytes > c->max_bytes) &&
           c->oldest && c->oldest != keep) {
        cache_entry *e = c->oldest;
        lru_unlink(c, e);
        table_remove(c, e);
        nz_cache_text_unlink(c, e);
        c->stats.entries--;
        c->stats.bytes -= e->bytes;
        c->stats.evictions++;
        e->older = *out;
        *out = e;
    }
}

/* ---- public API ----------------------------------------------------------- */

void nz_cache_options_init(nz_cache_options *opts)
{
    if (!opts)
        return;
    memset(opts, 0, sizeof *opts);
    opts->max_entries = DEFAULT_MAX_ENTRIES;
    opts->max_bytes = DEFAULT_MAX_BYTES;
}

int nz_cache_open(nz_cache **out, const nz_cache_options *opts)
{
    if (!out)
        return NZ_EINVAL;
    *out = NULL;
    nz_cache_options o;
    nz_cache_options_init(&o);
    if (opts) {
        if (opts->max_entries)
            o.max_entries = opts->max_entries;
        if (opts->max_bytes)
            o.max_bytes = opts->max_bytes;
    }
    nz_cache *c = nz_zalloc(sizeof *c);
    if (!c)
        return NZ_ENOMEM;
    c->max_entries = o.max_entries;
    c->max_bytes = o.max_bytes;
    c->nbuckets = INITIAL_BUCKETS;
    c->key_table = nz_zalloc(c->nbuckets * sizeof *c->key_table);
    c->id_table = nz_zalloc(c->nbuckets * sizeof *c->id_table);
    c->text_table = nz_zalloc(c->nbuckets * sizeof *c->text_table);
    c->lock = nz_alloc(sizeof *c->lock);
    if (!c->key_table || !c->id_table || !c->text_table || !c->lock ||
        pthread_mutex_init(c->lock, NULL) != 0) {
        nz_free(c->lock);
        nz_free(c->key_table);
        nz_free(c->id_table);
        nz_free(c->text_table);
        nz_free(c);
        return NZ_ENOMEM;
    }
    *out = c;
    return NZ_OK;
}

void nz_cache_close(nz_cache **cp)
{
    if (!cp || !*cp)
        return;
    nz_cache *c = *cp;
    *cp = NULL;
    cache_entry *e = c->newest;
    while (e) {
        cache_entry *next = e->older;
        entry_free(e); /* holders keep their own references */
        e = next;
    }
    pthread_mutex_destroy(c->lock);
    nz_free(c->lock);
    nz_free(c->key_table);
    nz_free(c->id_table);
    nz_free(c->text_table);
    nz_free(c);
}

/* Build the entry for a fresh compile (outside the lock). NULL when out of
 * memory: the caller still gets its validator, only uncached. */
static cache_entry *entry_new(const json_t *schema, uint64_t hash,
                        const nz_content_key *key, const cache_key_opts *k,
                        nz_schema *compiled)
{
    cache_entry *e = nz_zalloc(sizeof *e);
    if (!e)
        return NULL;
    e->key_hash = hash;
    e->opts = *k;
    e->opts.base_uri = NULL;
    e->schema = nz_json_deep_copy(schema);
    e->key = nz_alloc(key->len ? key->len : 1);
    e->key_len = key->len;
    bool ok = e->schema != NULL && e->key != NULL;
    if (ok)
        memcpy(e->key, key->bytes, key->len);
    if (ok && k->base_uri) {
        e->opts.base_uri = nz_strdup(k->base_uri);
        ok = e->opts.base_uri != NULL;
    }
    const char *id = ok ? root_id(schema, compiled) : NULL;
    if (id) {
        e->id = id_key(k->base_uri, id);
        ok = e->id != NULL;
        if (ok) {
            e->id_len = strlen(e->id);
            e->id_hash = nz_hash_bytes(e->id, e->id_len, 0);
        }
    }
    if (!ok) {
        entry_free(e); /* compiled not yet attached: stays the caller's */
        return NULL;
    }
    e->compiled = nz_schema_ref(compiled);
    e->bytes = nz_schema_size(compiled);
    return e;
}

int nz_cache_get_keyed(nz_cache *c, const json_t *schema,
                       const nz_schema_options *opts, nz_registry *reg,
                       nz_schema **out, nz_diag *diag, uint64_t *key_hash,
                       bool *cached)
{
    *key_hash = 0;
    *cached = false;
    if (out)
        *out = NULL;
    if (!c || !schema || !out)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "nz_cache_get: cache, schema and out are required");

    cache_key_opts k;
    nz_cache_key_opts_from(&k, opts);
    /* Built before taking the lock: the walk is most of a hit's cost. Out
     * of memory or too deep: compiled, not cached. */
    nz_content_key key;
    bool cacheable = nz_content_key_build(&key, schema, MAX_KEY_DEPTH) == 0;
    uint64_t hash = nz_hash_mix64(key.hash ^ nz_cache_key_opts_hash(&k));

    if (cacheable) {
        pthread_mutex_lock(c->lock);
        cache_entry *e = find_key(c, hash, &k, &key, schema);
        if (e) {
            nz_cache_touch(c, e);
            c->stats.hits++;
            *out = nz_schema_ref(e->compiled);
            pthread_mutex_unlock(c->lock);
            nz_content_key_free(&key);
            *key_hash = hash;
            *cached = true;
            return NZ_OK;
        }
        c->stats.misses++;
        pthread_mutex_unlock(c->lock);
    } else {
        pthread_mutex_lock(c->lock);
        c->stats.misses++;
        pthread_mutex_unlock(c->lock);
    }

    /* Miss: compile without the lock. */
    nz_schema *compiled = NULL;
    uint64_t t0 = now_ns();
    int rc = nz_schema_compile(&compiled, schema, opts, reg, diag);
    uint64_t spent = now_ns() - t0;

    cache_entry *fresh = NULL;
    if (rc == NZ_OK && cacheable && nz_schema_size(compiled) <= c->max_bytes)
        fresh = entry_new(schema, hash, &key, &k, compiled);

    cache_entry *evicted = NULL;
    pthread_mutex_lock(c->lock);
    c->stats.compile_ns += spent;
    if (fresh) {
        cache_entry *e = find_key(c, hash, &k, &key, schema);
        if (e) {
            /* Another thread compiled the same key meanwhile: share its
             * validator, drop ours (below, without the lock). */
            nz_cache_touch(c, e);
            nz_schema *mine = compiled;
            compiled = nz_schema_ref(e->compiled);
            nz_schema_unref(&mine);
            *cached = true;
        } else {
            fresh->last_used = ++c->tick;
            lru_push_newest(c, fresh);
            c->stats.entries++;
            c->stats.bytes += fresh->bytes;
            table_insert(c, fresh);
            maybe_grow(c);
            evict(c, fresh, &evicted);
            fresh = NULL; /* now the cache's */
            *cached = true;
        }
    }
    pthread_mutex_unlock(c->lock);

    nz_content_key_free(&key);
    entry_free(fresh);
    while (evicted) {
        cache_entry *next = evicted->older;
        entry_free(evicted);
        evicted = next;
    }
    if (rc != NZ_OK) {
        *cached = false;
        return rc;
    }
    *key_hash = hash;
    *out = compiled;
    return NZ_OK;
}

int nz_cache_get(nz_cache *c, const json_t *schema,
                 const nz_schema_options *opts, nz_registry *reg,
                 nz_schema **out, nz_diag *diag)
{
    uint64_t key_hash;
    bool cached;
    return nz_cache_get_keyed(c, schema, opts, reg, out, diag, &key_hash,
                              &cached);
}

int nz_cache_get_by_id(nz_cache *c, const char *id, nz_schema **out)
{
    if (out)
        *out = NULL;
    if (!c || !id || !out)
        return NZ_EINVAL;
    char *key = id_key(NULL, id); /* normalised as the index keeps ids */
    if (!key)
        return NZ_ENOMEM;
    size_t n = strlen(key);
    uint64_t h = nz_hash_bytes(key, n, 0);

    pthread_mutex_lock(c->lock);
    cache_entry *best = NULL;
    /* Several entries may share an $id (same schema, other options): the
     * most recently used one answers. */
    for (cache_entry *e = c->id_table[h & (c->nbuckets - 1)]; e; e = e->id_next) {
        if (e->id_hash == h && e->id_len == n && memcmp(e->id, key, n) == 0 &&
            (!best || e->last_used > best->last_used))
            best = e;
    }
    if (best) {
        nz_cache_touch(c, best);
        c->stats.hits++;
        *out = nz_schema_ref(best->compiled);
    }
    pthread_mutex_unlock(c->lock);
    nz_free(key);
    return best ? NZ_OK : NZ_ENOTFOUND;
}

void nz_cache_stats_get(const nz_cache *c, nz_cache_stats *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    if (!c)
        return;
    pthread_mutex_lock(c->lock);
    *out = c->stats;
    pthread_mutex_unlock(c->lock);
}
