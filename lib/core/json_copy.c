/* NUL-safe deep copy of a jansson tree (see json_copy.h). */
#include "core/json_copy.h"

#include <stdint.h>

json_t *nz_json_deep_copy(const json_t *v)
{
    if (!v)
        return NULL;
    /* jansson's iteration takes a non-const value; nothing is changed. */
    json_t *src = (json_t *)(uintptr_t)v;
    if (json_is_object(v)) {
        json_t *out = json_object();
        if (!out)
            return NULL;
        for (void *it = json_object_iter(src); it;
             it = json_object_iter_next(src, it)) {
            /* setn_new takes m's reference even when it fails */
            json_t *m = nz_json_deep_copy(json_object_iter_value(it));
            if (!m || json_object_setn_new_nocheck(
                          out, json_object_iter_key(it),
                          json_object_iter_key_len(it), m) != 0) {
                json_decref(out);
                return NULL;
            }
        }
        return out;
    }
    if (json_is_array(v)) {
        json_t *out = json_array();
        if (!out)
            return NULL;
        for (size_t i = 0; i < json_array_size(v); i++) {
            /* append_new takes the copy (or fails on NULL) either way */
            if (json_array_append_new(
                    out, nz_json_deep_copy(json_array_get(v, i))) != 0) {
                json_decref(out);
                return NULL;
            }
        }
        return out;
    }
    /* strings (jansson copies them with their length), numbers, true,
     * false, null */
    return json_copy(src);
}
