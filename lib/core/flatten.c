/* Dotted-path flatten and unflatten (see flatten.h). Recursion depth is
 * bounded by the caller's max_depth (at most NZ_READ_JSON_DEPTH_LIMIT), so
 * the C stack stays small. */
#include "core/flatten.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "normalize/error.h"

void nz_flat_init(nz_flat *f)
{
    memset(f, 0, sizeof *f);
}

void nz_flat_free(nz_flat *f)
{
    nz_free(f->keys);
    nz_free(f->key_off);
    nz_free((void *)f->leaves);
    nz_flat_init(f);
}

/* Append bytes to the key buffer. */
static int put_key_bytes(nz_flat *f, const char *s, size_t n)
{
    if (n == 0)
        return 0; /* f->keys may still be NULL: no memcpy to it (UB) */
    if (n > f->keys_cap - f->keys_len) {
        size_t cap = f->keys_cap ? f->keys_cap : 256;
        while (cap - f->keys_len < n) {
            if (cap > SIZE_MAX / 2)
                return NZ_ENOMEM;
            cap *= 2;
        }
        char *p = nz_realloc(f->keys, cap);
        if (!p)
            return NZ_ENOMEM;
        f->keys = p;
        f->keys_cap = cap;
    }
    memcpy(f->keys + f->keys_len, s, n);
    f->keys_len += n;
    return 0;
}

/* One leaf: its key is the current path prefix. */
static int add_leaf(nz_flat *f, const char *path, size_t path_len,
                    const json_t *leaf)
{
    if (f->count == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 16;
        size_t *off = nz_realloc(f->key_off, cap * sizeof *off);
        if (!off)
            return NZ_ENOMEM;
        f->key_off = off;
        const json_t **lv = nz_realloc((void *)f->leaves, cap * sizeof *lv);
        if (!lv)
            return NZ_ENOMEM;
        f->leaves = lv;
        f->cap = cap;
    }
    size_t at = f->keys_len;
    if (put_key_bytes(f, path, path_len) || put_key_bytes(f, "", 1))
        return NZ_ENOMEM;
    f->key_off[f->count] = at;
    f->leaves[f->count] = leaf;
    f->count++;
    return 0;
}

/* The path being built is kept in a growing buffer of its own. */
typedef struct path_buf {
    char *s;
    size_t len;
    size_t cap;
} path_buf;

/* Append one segment; nested: a segment below the top, which a '.'
 * separates from the one before even when that one is empty (the key ""),
 * so {"": {"x": 1}} flattens to ".x", not to "x". */
static int path_push(path_buf *p, const char *seg, size_t n, bool nested)
{
    size_t need = p->len + (nested ? 1 : 0) + n + 1;
    if (need > p->cap) {
        size_t cap = p->cap ? p->cap : 128;
        while (cap < need)
            cap *= 2;
        char *s = nz_realloc(p->s, cap);
        if (!s)
            return NZ_ENOMEM;
        p->s = s;
        p->cap = cap;
    }
    if (nested)
        p->s[p->len++] = '.';
    memcpy(p->s + p->len, seg, n);
    p->len += n;
    p->s[p->len] = '\0';
    return 0;
}

/* One member of an object, for the sorted walk. */
typedef struct member_ref {
    const char *key;
    size_t len;
    const json_t *value;
} member_ref;

/* Byte order of the keys, a key before any longer key it begins. */
static int cmp_members(const void *a, const void *b)
{
    const member_ref *x = a, *y = b;
    int c = memcmp(x->key, y->key, x->len < y->len ? x->len : y->len);
    if (c)
        return c;
    return (x->len > y->len) - (x->len < y->len);
}

/* Record the dotted key of a member whose key holds NUL (f->nul_key). */
static int refuse_nul_key(nz_flat *f, const path_buf *p, const char *k,
                          size_t klen, bool nested)
{
    size_t o = 0, cap = sizeof f->nul_key;
    for (size_t i = 0; i < p->len && o + 1 < cap; i++)
        f->nul_key[o++] = p->s[i];
    if (nested && o + 1 < cap)
        f->nul_key[o++] = '.';
    for (size_t i = 0; i < klen && o + 2 < cap; i++) {
        if (k[i] == '\0') {
            f->nul_key[o++] = '\\';
            f->nul_key[o++] = '0';
        } else {
            f->nul_key[o++] = k[i];
        }
    }
    f->nul_key[o] = '\0';
    return NZ_ENUL;
}

static int walk(nz_flat *f, path_buf *p, const json_t *v, bool sort,
                size_t depth, size_t max_depth)
{
    /* Scalars and empty containers are leaves ("{}" and "[]"). */
    bool leaf = json_is_object(v)  ? json_object_size(v) == 0
                : json_is_array(v) ? json_array_size(v) == 0
                                   : true;
    if (leaf && depth == 0 && !json_is_object(v) && !json_is_array(v))
        return add_leaf(f, "", 0, v);
    if (leaf && depth == 0)
        return 0; /* an empty record has no fields at all */
    if (leaf)
        return add_leaf(f, p->s ? p->s : "", p->len, v);
    if (depth >= max_depth)
        return NZ_EDEPTH;
    size_t mark = p->len;
    int rc = 0;
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v) && rc == 0; i++) {
            char num[24];
            int n = snprintf(num, sizeof num, "%zu", i);
            rc = path_push(p, num, (size_t)n, depth > 0);
            if (rc == 0)
                rc = walk(f, p, json_array_get(v, i), sort, depth + 1,
                          max_depth);
            p->len = mark;
            if (p->s)
                p->s[mark] = '\0';
        }
        return rc;
    }
    size_t n = json_object_size(v);
    /* jansson's iteration takes a non-const object; nothing is changed. */
    json_t *mutable_obj = (json_t *)(uintptr_t)v;
    if (sort) {
        /* Own array per level: nested objects sort their own members. */
        member_ref *m = nz_alloc(n * sizeof *m);
        if (!m)
            return NZ_ENOMEM;
        size_t i = 0;
        for (void *it = json_object_iter(mutable_obj); it;
             it = json_object_iter_next(mutable_obj, it), i++) {
            m[i].key = json_object_iter_key(it);
            m[i].len = json_object_iter_key_len(it);
            m[i].value = json_object_iter_value(it);
        }
        qsort(m, n, sizeof *m, cmp_members);
        for (i = 0; i < n && rc == 0; i++) {
            if (memchr(m[i].key, '\0', m[i].len))
                rc = refuse_nul_key(f, p, m[i].key, m[i].len, depth > 0);
            if (rc == 0)
                rc = path_push(p, m[i].key, m[i].len, depth > 0);
            if (rc == 0)
                rc = walk(f, p, m[i].value, sort, depth + 1, max_depth);
            p->len = mark;
            if (p->s) /* NULL when the first path_push failed */
                p->s[mark] = '\0';
        }
        nz_free(m);
        return rc;
    }
    const char *k;
    size_t klen;
    json_t *member;
    json_object_keylen_foreach(mutable_obj, k, klen, member)
    {
        if (memchr(k, '\0', klen))
            return refuse_nul_key(f, p, k, klen, depth > 0);
        rc = path_push(p, k, klen, depth > 0);
        if (rc == 0)
            rc = walk(f, p, member, sort, depth + 1, max_depth);
        p->len = mark;
        if (p->s) /* NULL when the first path_push failed */
            p->s[mark] = '\0';
        if (rc)
            break;
    }
    return rc;
}

int nz_flatten(nz_flat *f, const json_t *value, bool sort, size_t max_depth)
{
    f->count = 0;
    f->keys_len = 0;
    path_buf p = {NULL, 0, 0};
    int rc = walk(f, &p, value, sort, 0, max_depth);
    nz_free(p.s);
    return rc;
}

int nz_unflatten_set(json_t *root, const char *key, json_t *value)
{
    json_t *at = root;
    const char *seg = key;
    for (;;) {
        const char *dot = strchr(seg, '.');
        size_t n = dot ? (size_t)(dot - seg) : strlen(seg);
        json_t *child = json_object_getn(at, seg, n);
        if (!dot) {
            if (child) {
                json_decref(value);
                return NZ_EDUPKEY;
            }
            return json_object_setn_new_nocheck(at, seg, n, value) == 0
                       ? 0
                       : NZ_ENOMEM;
        }
        if (!child) {
            child = json_object();
            if (!child || json_object_setn_new_nocheck(at, seg, n, child)) {
                json_decref(value);
                return NZ_ENOMEM;
            }
        } else if (!json_is_object(child)) {
            json_decref(value);
            return NZ_EDUPKEY;
        }
        at = child;
        seg = dot + 1;
    }
}

/* Are the keys of obj exactly "0", "1", ... in order? */
static bool is_index_object(json_t *obj)
{
    size_t i = 0;
    const char *k;
    size_t klen;
    json_t *v;
    json_object_keylen_foreach(obj, k, klen, v)
    {
        char num[24];
        int n = snprintf(num, sizeof num, "%zu", i++);
        if ((size_t)n != klen || memcmp(num, k, klen) != 0)
            return false;
    }
    return i > 0;
}

json_t *nz_unflatten_finish(json_t *value)
{
    if (json_is_string(value)) {
        const char *s = json_string_value(value);
        if (json_string_length(value) == 2 &&
            (strcmp(s, "{}") == 0 || strcmp(s, "[]") == 0)) {
            json_t *empty = s[0] == '{' ? json_object() : json_array();
            json_decref(value);
            return empty;
        }
        return value;
    }
    if (!json_is_object(value))
        return value;
    const char *k;
    size_t klen;
    json_t *v;
    void *tmp;
    json_object_keylen_foreach_safe(value, tmp, k, klen, v)
    {
        if (!json_is_object(v) && !json_is_string(v))
            continue;
        json_t *nv = nz_unflatten_finish(json_incref(v));
        if (!nv || json_object_setn_new_nocheck(value, k, klen, nv)) {
            json_decref(value);
            return NULL;
        }
    }
    if (!is_index_object(value))
        return value;
    json_t *arr = json_array();
    if (!arr) {
        json_decref(value);
        return NULL;
    }
    json_object_keylen_foreach(value, k, klen, v)
    {
        if (json_array_append(arr, v)) {
            json_decref(arr);
            json_decref(value);
            return NULL;
        }
    }
    json_decref(value);
    return arr;
}
