/* Position side table of the YAML reader: open addressing on
 * (parent, slot), linear probing, grown at half load. */
#include "read/yaml_pos.h"

#include <string.h>

#include "core/alloc.h"
#include "normalize/error.h"

struct nz_pos_slot {
    const void *parent; /* NULL: empty slot */
    uint64_t slot;
    nz_position pos;
};

uint64_t nz_pos_key_slot(const char *key, size_t len)
{
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)key[i];
        h *= 1099511628211u;
    }
    return h;
}

static size_t bucket(const void *parent, uint64_t slot, size_t cap)
{
    uint64_t h = (uint64_t)(uintptr_t)parent * 0x9E3779B97F4A7C15u;
    h ^= slot + 0x7F4A7C159E3779B9u + (h << 6) + (h >> 2);
    h ^= h >> 29;
    return (size_t)(h & (cap - 1));
}

static nz_pos_slot *find(const nz_pos_table *t, const void *parent,
                         uint64_t slot)
{
    size_t i = bucket(parent, slot, t->cap);
    for (;;) {
        nz_pos_slot *s = &t->slots[i];
        if (!s->parent || (s->parent == parent && s->slot == slot))
            return s;
        i = (i + 1) & (t->cap - 1);
    }
}

static int grow(nz_pos_table *t)
{
    size_t cap = t->cap ? 2 * t->cap : 256;
    if (cap > SIZE_MAX / sizeof(nz_pos_slot))
        return NZ_ENOMEM;
    nz_pos_slot *slots = nz_zalloc(cap * sizeof *slots);
    if (!slots)
        return NZ_ENOMEM;
    nz_pos_table bigger = {slots, cap, 0};
    for (size_t i = 0; i < t->cap; i++) {
        if (t->slots[i].parent) {
            *find(&bigger, t->slots[i].parent, t->slots[i].slot) =
                t->slots[i];
            bigger.count++;
        }
    }
    nz_free(t->slots);
    *t = bigger;
    return 0;
}

int nz_pos_put(nz_pos_table *t, const void *parent, uint64_t slot,
               const nz_position *pos)
{
    if (2 * (t->count + 1) > t->cap) {
        int rc = grow(t);
        if (rc)
            return rc;
    }
    nz_pos_slot *s = find(t, parent, slot);
    if (!s->parent)
        t->count++;
    s->parent = parent;
    s->slot = slot;
    s->pos = *pos;
    return 0;
}

const nz_position *nz_pos_get(const nz_pos_table *t, const void *parent,
                              uint64_t slot)
{
    if (t->count == 0)
        return NULL;
    const nz_pos_slot *s = find(t, parent, slot);
    return s->parent ? &s->pos : NULL;
}

void nz_pos_clear(nz_pos_table *t)
{
    if (t->count == 0)
        return;
    /* A table grown for one huge record is not worth clearing for every
     * small one after it. */
    if (t->cap > 4096 && t->count < t->cap / 16) {
        nz_pos_free(t);
        return;
    }
    memset(t->slots, 0, t->cap * sizeof *t->slots);
    t->count = 0;
}

void nz_pos_free(nz_pos_table *t)
{
    nz_free(t->slots);
    t->slots = NULL;
    t->cap = 0;
    t->count = 0;
}

/* Decode one reference token p[0, n) (~0 -> ~, ~1 -> /) into buf.
 * Returns its length, or -1 for a bad escape. */
static long unescape(const char *p, size_t n, char *buf)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] != '~') {
            buf[o++] = p[i];
            continue;
        }
        if (i + 1 >= n || (p[i + 1] != '0' && p[i + 1] != '1'))
            return -1;
        buf[o++] = p[i + 1] == '0' ? '~' : '/';
        i++;
    }
    return (long)o;
}

/* An array index token: "0" or digits without a leading zero. */
static int parse_index(const char *p, size_t n, size_t *out)
{
    if (n == 0 || (n > 1 && p[0] == '0'))
        return -1;
    size_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9' || v > (SIZE_MAX - 9) / 10)
            return -1;
        v = v * 10 + (size_t)(p[i] - '0');
    }
    *out = v;
    return 0;
}

int nz_pos_locate(const nz_pos_table *t, const json_t *root,
                  const nz_position *root_pos, const char *pointer,
                  nz_position *out)
{
    if (pointer[0] != '\0' && pointer[0] != '/')
        return NZ_EINVAL;
    const json_t *node = root;
    nz_position best = *root_pos;
    const char *p = pointer;
    char small[256];
    char *buf = small;
    size_t need = strlen(pointer) + 1;
    if (need > sizeof small) {
        buf = nz_alloc(need);
        if (!buf)
            return NZ_ENOMEM;
    }
    int rc = NZ_OK;
    while (*p == '/') {
        const char *tok = p + 1;
        const char *end = strchr(tok, '/');
        size_t n = end ? (size_t)(end - tok) : strlen(tok);
        p = tok + n;
        const json_t *child;
        uint64_t slot;
        if (json_is_object(node)) {
            long len = unescape(tok, n, buf);
            if (len < 0) {
                rc = NZ_EINVAL;
                break;
            }
            child = json_object_getn(node, buf, (size_t)len);
            slot = nz_pos_key_slot(buf, (size_t)len);
        } else if (json_is_array(node)) {
            size_t index;
            if (parse_index(tok, n, &index) != 0) {
                rc = NZ_ENOTFOUND;
                break;
            }
            child = json_array_get(node, index);
            slot = index;
        } else {
            rc = NZ_ENOTFOUND;
            break;
        }
        if (!child) {
            rc = NZ_ENOTFOUND;
            break;
        }
        const nz_position *known = nz_pos_get(t, node, slot);
        if (known)
            best = *known;
        node = child;
    }
    if (buf != small)
        nz_free(buf);
    if (rc == NZ_OK)
        *out = best;
    return rc;
}
