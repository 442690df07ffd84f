/* Internals of nz_cache, shared by its two ways in: by tree (cache.c, the
 * entries, the LRU list, the content and $id tables) and by schema text
 * (cache_text.c, the text aliases of entries).
 *
 * Everything here is used with the cache's lock held unless said
 * otherwise.
 */
#ifndef NZ_SCHEMA_CACHE_IMPL_H
#define NZ_SCHEMA_CACHE_IMPL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "normalize/schema.h"

/* Texts remembered per entry: the same schema reached through a few
 * spellings (whitespace, member order) hits by text for each of them; a
 * fifth spelling replaces the oldest, so an entry's aliases stay bounded
 * whatever callers send. */
#define NZ_CACHE_MAX_TEXT_ALIASES 4

/* The options that make two compiles of the same content differ. */
typedef struct cache_key_opts {
    int dialect; /* AUTO normalised to 2020-12, which it means */
    unsigned flags;
    uint64_t match_limit;
    uint64_t depth_limit;
    const char *base_uri; /* borrowed in lookups, owned in entries */
} cache_key_opts;

typedef struct cache_entry cache_entry;

/* One exact schema text that compiled to an entry's validator. */
typedef struct text_alias text_alias;
struct text_alias {
    text_alias *next;   /* chain in the text table                      */
    cache_entry *owner; /* the entry it leads to (owner of this alias)   */
    uint64_t hash;      /* of the text and the owner's options           */
    size_t len;
    char text[];        /* len bytes, not NUL-terminated                 */
};

struct cache_entry {
    cache_entry *newer, *older; /* LRU list: newest ... oldest      */
    cache_entry *key_next;      /* chain in the content-key table   */
    cache_entry *id_next;       /* chain in the $id table (id set)  */
    uint64_t key_hash;
    uint64_t id_hash;
    uint64_t last_used;  /* tick of the last hit: newest of equal $ids */
    unsigned char *key;  /* content key bytes (content_key.h)           */
    size_t key_len;
    json_t *schema;      /* private deep copy, for other member orders  */
    cache_key_opts opts; /* base_uri owned                              */
    char *id;            /* root $id without an empty fragment, or NULL */
    size_t id_len;
    nz_schema *compiled; /* the cache's own reference                  */
    size_t bytes;        /* nz_schema_size(compiled)                   */
    text_alias *aliases[NZ_CACHE_MAX_TEXT_ALIASES]; /* owned, in tables */
    unsigned alias_count;
    unsigned alias_next; /* the slot a new alias takes when all are full */
};

struct nz_cache {
    /* A pointer so that nz_cache_stats_get() can lock through a const
     * cache without casting the const away. */
    pthread_mutex_t *lock;
    size_t max_entries;
    size_t max_bytes;
    /* nbuckets chains each; nbuckets a power of 2 */
    cache_entry **key_table;
    cache_entry **id_table;
    text_alias **text_table;
    size_t nbuckets;
    cache_entry *newest, *oldest;
    uint64_t tick;
    nz_cache_stats stats; /* entries and bytes kept current */
};

/* ---- cache.c ------------------------------------------------------------ */

/* The key options of o (NULL = defaults). No lock needed. */
void nz_cache_key_opts_from(cache_key_opts *k, const nz_schema_options *o);
uint64_t nz_cache_key_opts_hash(const cache_key_opts *k);
bool nz_cache_key_opts_equal(const cache_key_opts *a, const cache_key_opts *b);

/* Mark e used now (LRU order, $id recency). */
void nz_cache_touch(nz_cache *c, cache_entry *e);

/* nz_cache_get(), also giving the content-key hash of the entry that now
 * holds *out (*key_hash), or false in *cached when the schema was compiled
 * without being kept. Takes the lock itself. */
int nz_cache_get_keyed(nz_cache *c, const json_t *schema,
                       const nz_schema_options *opts, nz_registry *reg,
                       nz_schema **out, nz_diag *diag, uint64_t *key_hash,
                       bool *cached);

/* ---- cache_text.c ------------------------------------------------------- */

/* Put e's aliases into the text table (after growing it) / take them out
 * (eviction). */
void nz_cache_text_link(nz_cache *c, cache_entry *e);
void nz_cache_text_unlink(nz_cache *c, cache_entry *e);

/* Free e's aliases (no lock needed: e is out of every table). */
void nz_cache_text_free(cache_entry *e);

#endif
