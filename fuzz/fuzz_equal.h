/* Exact equality of two trees, for the harnesses' round-trip checks.
 *
 * jansson 2.14's json_equal() looks object keys up as C strings: an
 * object whose key holds NUL ("k\0", which YAML's "\0" escape makes)
 * never equals itself, and {"k\0": 1} equals {"k": 1}. This compares keys
 * with their lengths. Unlike the validator's nz_json_equal() (JSON Schema
 * equality, where 1 equals 1.0), an integer and a real differ here: a
 * round trip must keep the type. */
#ifndef NZ_FUZZ_EQUAL_H
#define NZ_FUZZ_EQUAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

static inline bool fuzz_same_tree(const json_t *a, const json_t *b)
{
    if (!a || !b || json_typeof(a) != json_typeof(b))
        return a == b;
    if (json_is_array(a)) {
        if (json_array_size(a) != json_array_size(b))
            return false;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!fuzz_same_tree(json_array_get(a, i), json_array_get(b, i)))
                return false;
        return true;
    }
    if (json_is_object(a)) {
        if (json_object_size(a) != json_object_size(b))
            return false;
        json_t *obj = (json_t *)(uintptr_t)a;
        for (void *it = json_object_iter(obj); it;
             it = json_object_iter_next(obj, it)) {
            const json_t *w = json_object_getn(b, json_object_iter_key(it),
                                               json_object_iter_key_len(it));
            if (!w || !fuzz_same_tree(json_object_iter_value(it), w))
                return false;
        }
        return true;
    }
    /* strings (compared with their lengths), numbers, singletons */
    return json_equal(a, b);
}

#endif
