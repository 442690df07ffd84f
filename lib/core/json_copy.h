/* A deep copy of a jansson tree that keeps every object key whole.
 *
 * jansson 2.14's json_deep_copy() copies object keys as C strings, so a
 * key holding a NUL character ("k\0" from YAML, or one set with
 * json_object_setn()) comes out cut short ("k"): a YAML alias would
 * expand to other keys than its anchor holds, and a compiled schema would
 * look up other property names than the schema names.
 */
#ifndef NZ_CORE_JSON_COPY_H
#define NZ_CORE_JSON_COPY_H

#include <jansson.h>

/* A new tree equal to v, keys copied with their lengths; NULL when out of
 * memory or v is NULL. Recursion follows the tree's depth, which the
 * readers and the schema compiler bound. Strings, numbers and the
 * singletons are copied as jansson copies them. */
json_t *nz_json_deep_copy(const json_t *v);

#endif
