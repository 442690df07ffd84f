/* A small string-keyed hash map (open addressing, linear probing).
 *
 * Used by the schema compiler for "properties" and big "enum" lookups, and
 * by the registry for URIs. Keys are byte strings with a length, so a
 * pointer's bytes can be a key too. The map copies keys; values are
 * borrowed pointers. Lookups do not modify the map, so a finished map may
 * be read from many threads at once.
 */
#ifndef NZ_SCHEMA_STRMAP_H
#define NZ_SCHEMA_STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct nz_strmap_slot {
    char *key; /* NULL = empty slot */
    size_t len;
    uint64_t hash;
    void *value;
} nz_strmap_slot;

typedef struct nz_strmap {
    nz_strmap_slot *slots;
    size_t cap; /* power of two, or 0 */
    size_t count;
} nz_strmap;

uint64_t nz_strmap_hash(const char *key, size_t len);

/* NZ_OK or NZ_ENOMEM; an existing key has its value replaced. */
int nz_strmap_put(nz_strmap *m, const char *key, size_t len, void *value);
/* The value, or NULL. *found (may be NULL) says whether the key exists. */
void *nz_strmap_get(const nz_strmap *m, const char *key, size_t len,
                    int *found);
void nz_strmap_free(nz_strmap *m);
/* Bytes held by the map (slots and keys). */
size_t nz_strmap_size(const nz_strmap *m);

#endif
