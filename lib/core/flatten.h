/* Dotted-path flattening, shared by the CSV writer (nested records become
 * one row) and the CSV reader's NZ_CSV_UNFLATTEN (dotted headers nest
 * again).
 *
 * The mapping follows miller's flatten/unflatten, with one difference:
 * array elements are numbered from 0, like JSON Pointer (miller numbers
 * them from 1), so "tags.0" and the pointer "/tags/0" name the same value.
 *
 *   {"a": {"b": 1}, "t": ["x", "y"]}  <->  a.b=1, t.0=x, t.1=y
 *   {"e": {}, "f": []}                <->  e={}, f=[]   (the strings "{}"
 *                                          and "[]" stand for empty ones)
 *
 * Keys that contain '.' cannot be told apart from nesting: flattening
 * {"a.b": 1} and {"a": {"b": 1}} gives the same row, and
 * {"a.b": 1, "a": {"b": 2}} two leaves with the key "a.b" (the CSV writer
 * refuses such a record rather than write two columns of one name). An
 * empty key is an empty segment: {"": {"x": 1}} gives ".x".
 */
#ifndef NZ_CORE_FLATTEN_H
#define NZ_CORE_FLATTEN_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* One flattened record: leaves[i] is the value (borrowed from the record:
 * valid while it lives; never an object or array, except empty ones) at
 * the dotted key keys + key_off[i] (NUL-terminated). Storage is reused
 * from one record to the next. */
typedef struct nz_flat {
    char *keys;
    size_t keys_len;
    size_t keys_cap;
    size_t *key_off;
    const json_t **leaves;
    size_t count;
    size_t cap;
    /* After NZ_ENUL: the dotted key that holds a NUL character, each NUL
     * shown as \0 (cut to fit), for the caller's message. */
    char nul_key[128];
} nz_flat;

void nz_flat_init(nz_flat *f);
void nz_flat_free(nz_flat *f);

static inline const char *nz_flat_key(const nz_flat *f, size_t i)
{
    return f->keys + f->key_off[i];
}

/* Flatten value into f (emptied first). A scalar at the top is one leaf
 * with the key "" (empty); an empty object or array at the top has no
 * leaves. sort: object members in byte order of their
 * keys instead of as stored. max_depth bounds the walk (deeper is
 * NZ_EDEPTH). A key holding a NUL character (possible in a tree read from
 * YAML's "\0" or built through the API) has no place in a NUL-terminated
 * dotted key: NZ_ENUL, with the key in f->nul_key. Returns 0, NZ_EDEPTH,
 * NZ_ENUL or NZ_ENOMEM. */
int nz_flatten(nz_flat *f, const json_t *value, bool sort, size_t max_depth);

/* Put value (stolen, also on failure) into the object root at the dotted
 * key, creating the objects on the way ("a.b.c" -> root.a.b.c). Returns 0,
 * NZ_ENOMEM, or NZ_EDUPKEY when the key is already taken or a part of the
 * way is not an object ("a" set to 1, then "a.b"). */
int nz_unflatten_set(json_t *root, const char *key, json_t *value);

/* After every key is set: turn each object whose keys are exactly "0",
 * "1", ... "n-1" in that order into an array, and the strings "{}" and
 * "[]" into an empty object and array, all the way down. Returns the new
 * value (a new reference; value is stolen), or NULL when out of memory. */
json_t *nz_unflatten_finish(json_t *value);

#endif
