/* JSON Schema equality: see equal.h. */
#include "schema/equal.h"

#include <math.h>
#include <string.h>

static bool num_equal(const json_t *a, const json_t *b)
{
    if (json_is_integer(a) && json_is_integer(b))
        return json_integer_value(a) == json_integer_value(b);
    if (json_is_real(a) && json_is_real(b))
        return json_real_value(a) == json_real_value(b);
    /* one integer, one real: equal only when the real is integral and
     * converts without loss (long long range checked before the cast) */
    const json_t *i = json_is_integer(a) ? a : b;
    const json_t *r = json_is_integer(a) ? b : a;
    double d = json_real_value(r);
    if (d != floor(d) || d < -9223372036854775808.0 ||
        d >= 9223372036854775808.0)
        return false;
    return (json_int_t)d == json_integer_value(i);
}

bool nz_json_equal(const json_t *a, const json_t *b)
{
    if (a == b)
        return true;
    if (!a || !b)
        return false;
    if (json_is_number(a) && json_is_number(b))
        return num_equal(a, b);
    if (json_typeof(a) != json_typeof(b))
        return false;
    switch (json_typeof(a)) {
    case JSON_STRING:
        return json_string_length(a) == json_string_length(b) &&
               memcmp(json_string_value(a), json_string_value(b),
                      json_string_length(a)) == 0;
    case JSON_ARRAY: {
        size_t n = json_array_size(a);
        if (n != json_array_size(b))
            return false;
        for (size_t i = 0; i < n; i++)
            if (!nz_json_equal(json_array_get(a, i), json_array_get(b, i)))
                return false;
        return true;
    }
    case JSON_OBJECT: {
        if (json_object_size(a) != json_object_size(b))
            return false;
        json_t *obj = NZ_MUT_JSON(a);
        for (void *it = json_object_iter(obj); it;
             it = json_object_iter_next(obj, it)) {
            const json_t *v = json_object_iter_value(it);
            json_t *w = json_object_getn(b, json_object_iter_key(it),
                                         json_object_iter_key_len(it));
            if (!w || !nz_json_equal(v, w))
                return false;
        }
        return true;
    }
    default: /* true, false, null: same type is enough */
        return true;
    }
}
