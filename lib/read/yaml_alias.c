/* The anchor table: an array of anchors with a hash index on the name,
 * so documents with thousands of anchors stay linear. */
#include "read/yaml_alias.h"

#include <string.h>

#include "core/alloc.h"
#include "normalize/error.h"

static size_t name_hash(const char *name)
{
    uint64_t h = 1469598103934665603u;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= *p;
        h *= 1099511628211u;
    }
    return (size_t)(h ^ (h >> 32));
}

static size_t *slot_for(const nz_anchor_table *t, const char *name)
{
    size_t i = name_hash(name) & (t->index_cap - 1);
    for (;;) {
        size_t *s = &t->index[i];
        if (*s == 0 || strcmp(t->items[*s - 1].name, name) == 0)
            return s;
        i = (i + 1) & (t->index_cap - 1);
    }
}

static int grow_index(nz_anchor_table *t)
{
    size_t cap = t->index_cap ? 2 * t->index_cap : 32;
    size_t *index = nz_zalloc(cap * sizeof *index);
    if (!index)
        return NZ_ENOMEM;
    nz_free(t->index);
    t->index = index;
    t->index_cap = cap;
    for (size_t i = 0; i < t->count; i++)
        *slot_for(t, t->items[i].name) = i + 1;
    return 0;
}

const nz_anchor *nz_anchor_find(const nz_anchor_table *t, const char *name)
{
    if (t->count == 0)
        return NULL;
    size_t s = *slot_for(t, name);
    return s ? &t->items[s - 1] : NULL;
}

int nz_anchor_define(nz_anchor_table *t, const char *name, json_t *value,
                     const char *text, size_t text_len, size_t nodes,
                     size_t height)
{
    char *text_copy = NULL;
    if (text) {
        text_copy = nz_alloc(text_len + 1);
        if (!text_copy)
            return NZ_ENOMEM;
        memcpy(text_copy, text, text_len);
        text_copy[text_len] = '\0';
    }
    nz_anchor *a = NULL;
    if (t->count > 0) {
        size_t s = *slot_for(t, name);
        if (s)
            a = &t->items[s - 1];
    }
    if (a) { /* redefinition: the later anchor wins */
        json_decref(a->value);
        nz_free(a->text);
    } else {
        if (2 * (t->count + 1) > t->index_cap && grow_index(t) != 0) {
            nz_free(text_copy);
            return NZ_ENOMEM;
        }
        if (t->count == t->cap) {
            size_t cap = t->cap ? 2 * t->cap : 8;
            nz_anchor *items = nz_realloc(t->items, cap * sizeof *items);
            if (!items) {
                nz_free(text_copy);
                return NZ_ENOMEM;
            }
            t->items = items;
            t->cap = cap;
        }
        char *name_copy = nz_strdup(name);
        if (!name_copy) {
            nz_free(text_copy);
            return NZ_ENOMEM;
        }
        a = &t->items[t->count++];
        a->name = name_copy;
        *slot_for(t, name) = t->count;
    }
    a->value = json_incref(value);
    a->text = text_copy;
    a->text_len = text_len;
    a->nodes = nodes;
    a->height = height;
    return 0;
}

void nz_anchor_clear(nz_anchor_table *t)
{
    for (size_t i = 0; i < t->count; i++) {
        nz_free(t->items[i].name);
        nz_free(t->items[i].text);
        json_decref(t->items[i].value);
    }
    t->count = 0;
    if (t->index)
        memset(t->index, 0, t->index_cap * sizeof *t->index);
}

void nz_anchor_free(nz_anchor_table *t)
{
    nz_anchor_clear(t);
    nz_free(t->items);
    nz_free(t->index);
    memset(t, 0, sizeof *t);
}
