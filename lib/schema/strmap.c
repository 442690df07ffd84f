/* String-keyed hash map: see strmap.h. FNV-1a hashing, linear probing,
 * load factor at most 1/2. */
#include "schema/strmap.h"

#include <string.h>

#include "core/alloc.h"
#include "normalize/error.h"

uint64_t nz_strmap_hash(const char *key, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)key[i];
        h *= 1099511628211ull;
    }
    return h;
}

static nz_strmap_slot *find_slot(nz_strmap_slot *slots, size_t cap,
                                 const char *key, size_t len, uint64_t h)
{
    size_t i = (size_t)h & (cap - 1);
    for (;;) {
        nz_strmap_slot *s = &slots[i];
        if (!s->key)
            return s;
        if (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0)
            return s;
        i = (i + 1) & (cap - 1);
    }
}

static int grow(nz_strmap *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 8;
    nz_strmap_slot *ns = nz_zalloc(ncap * sizeof *ns);
    if (!ns)
        return NZ_ENOMEM;
    for (size_t i = 0; i < m->cap; i++) {
        nz_strmap_slot *s = &m->slots[i];
        if (s->key)
            *find_slot(ns, ncap, s->key, s->len, s->hash) = *s;
    }
    nz_free(m->slots);
    m->slots = ns;
    m->cap = ncap;
    return NZ_OK;
}

int nz_strmap_put(nz_strmap *m, const char *key, size_t len, void *value)
{
    if ((m->count + 1) * 2 > m->cap && grow(m) != NZ_OK)
        return NZ_ENOMEM;
    uint64_t h = nz_strmap_hash(key, len);
    nz_strmap_slot *s = find_slot(m->slots, m->cap, key, len, h);
    if (!s->key) {
        char *k = nz_alloc(len + 1);
        if (!k)
            return NZ_ENOMEM;
        memcpy(k, key, len);
        k[len] = '\0';
        s->key = k;
        s->len = len;
        s->hash = h;
        m->count++;
    }
    s->value = value;
    return NZ_OK;
}

void *nz_strmap_get(const nz_strmap *m, const char *key, size_t len,
                    int *found)
{
    if (found)
        *found = 0;
    if (!m->cap)
        return NULL;
    uint64_t h = nz_strmap_hash(key, len);
    const nz_strmap_slot *s = find_slot(m->slots, m->cap, key, len, h);
    if (!s->key)
        return NULL;
    if (found)
        *found = 1;
    return s->value;
}

void nz_strmap_free(nz_strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        nz_free(m->slots[i].key);
    nz_free(m->slots);
    m->slots = NULL;
    m->cap = m->count = 0;
}

size_t nz_strmap_size(const nz_strmap *m)
{
    size_t n = m->cap * sizeof(nz_strmap_slot);
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key)
            n += m->slots[i].len + 1;
    return n;
}
