/* Content keys of JSON trees for the schema cache (see content_key.h).
 *
 * Why not hash the RFC 8785 serialisation: that needs sorting and an
 * output buffer on every lookup, which would be most of a hit's cost.
 * Walking the tree gives the same guarantee (member order and whitespace
 * do not matter) because object members are summed into the hash, not
 * chained: addition commutes.
 */
#include "schema/content_key.h"

#include <string.h>

/* Header-only use of libxxhash: short keys hash without a call. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "core/alloc.h"
#include "normalize/error.h"

/* Odd 64-bit constants with well-mixed bits (the golden ratio and the
 * splitmix64 finalizer's multipliers). */
#define K_GOLDEN UINT64_C(0x9e3779b97f4a7c15)
#define K_MUL1 UINT64_C(0xbf58476d1ce4e5b9)
#define K_MUL2 UINT64_C(0x94d049bb133111eb)

/* One tag per JSON type, in the hash and in the encoding, so that e.g.
 * the string "1" and the integer 1 never meet. */
enum {
    TAG_NULL = 1,
    TAG_TRUE,
    TAG_FALSE,
    TAG_INTEGER,
    TAG_REAL,
    TAG_STRING,
    TAG_ARRAY,
    TAG_OBJECT,
    TAG_MEMBER,
};

/* Room one node needs besides its string bytes: a tag and a varint, or a
 * tag and 8 bytes of number. */
#define NODE_MAX 16

uint64_t nz_hash_mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= K_MUL1;
    x ^= x >> 27;
    x *= K_MUL2;
    x ^= x >> 31;
    return x;
}

static uint64_t rotl64(uint64_t x, unsigned r)
{
    return (x << r) | (x >> (64 - r));
}

/* One 64-bit word into the running state: multiply-rotate-multiply, cheap
 * and enough to spread every input bit before the final mix. */
static uint64_t absorb(uint64_t h, uint64_t w)
{
    h ^= rotl64(w * K_MUL1, 31) * K_MUL2;
    return rotl64(h, 27) * 5 + K_GOLDEN;
}

/* Every key and string goes through here: XXH3 (libxxhash), inlined, is
 * among the fastest hashes for short inputs and reads long ones at memory
 * speed; its result is already well mixed. */
static inline uint64_t hash_bytes(const void *data, size_t n, uint64_t seed)
{
    return XXH3_64bits_withSeed(data, n, seed);
}

uint64_t nz_hash_bytes(const void *data, size_t n, uint64_t seed)
{
    return hash_bytes(data, n, seed);
}

/* ---- key building ---------------------------------------------------------- */

/* Make room for n more bytes: grow(). 0 or NZ_ENOMEM. */
static int grow(nz_content_key *k, size_t n)
{
    size_t cap = k->cap;
    while (cap - k->len < n) {
        if (cap > SIZE_MAX / 2)
            return NZ_ENOMEM;
        cap *= 2;
    }
    unsigned char *b;
    if (k->bytes == k->inline_buf) {
        b = nz_alloc(cap);
        if (b)
            memcpy(b, k->bytes, k->len);
    } else {
        b = nz_realloc(k->bytes, cap);
    }
    if (!b)
        return NZ_ENOMEM;
    k->bytes = b;
    k->cap = cap;
    return 0;
}

static inline int reserve(nz_content_key *k, size_t n)
{
    return k->cap - k->len >= n ? 0 : grow(k, n);
}

/* Copy n bytes (room reserved) to the end of the key. Short ones, most
 * keys and schema strings, with two overlapping loads and stores instead
 * of a call to memcpy. */
static inline void put_bytes(nz_content_key *k, const char *s, size_t n)
{
    unsigned char *d = k->bytes + k->len;
    if (n <= 16) {
        if (n >= 8) {
            memcpy(d, s, 8);
            memcpy(d + n - 8, s + n - 8, 8);
        } else if (n >= 4) {
            memcpy(d, s, 4);
            memcpy(d + n - 4, s + n - 4, 4);
        } else if (n > 0) {
            d[0] = (unsigned char)s[0];
            d[n / 2] = (unsigned char)s[n / 2];
            d[n - 1] = (unsigned char)s[n - 1];
        }
    } else {
        memcpy(d, s, n);
    }
    k->len += n;
}

/* The writers below assume reserve() made room. */
static void put_byte(nz_content_key *k, unsigned char c)
{
    k->bytes[k->len++] = c;
}

static void put_varint(nz_content_key *k, uint64_t v)
{
    while (v >= 0x80) {
        k->bytes[k->len++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    k->bytes[k->len++] = (unsigned char)v;
}

static void put_u64(nz_content_key *k, uint64_t v)
{
    memcpy(k->bytes + k->len, &v, 8);
    k->len += 8;
}

static int key_value(nz_content_key *k, const json_t *v, size_t depth,
                     uint64_t *out);

static int key_object(nz_content_key *k, const json_t *o, size_t depth,
                      uint64_t *out)
{
    /* jansson's iterator takes a non-const object; it does not modify it. */
    json_t *obj = (json_t *)(uintptr_t)o;
    uint64_t n = (uint64_t)json_object_size(o);
    put_byte(k, TAG_OBJECT);
    put_varint(k, n);
    uint64_t sum = 0;
    for (void *it = json_object_iter(obj); it;
         it = json_object_iter_next(obj, it)) {
        const char *key = json_object_iter_key(it);
        size_t key_len = json_object_iter_key_len(it);
        if (reserve(k, key_len + 2 * NODE_MAX) != 0)
            return NZ_ENOMEM;
        put_varint(k, key_len);
        put_bytes(k, key, key_len);
        uint64_t vh;
        int rc = key_value(k, json_object_iter_value(it), depth, &vh);
        if (rc != 0)
            return rc;
        uint64_t kh = hash_bytes(key, key_len, TAG_MEMBER);
        /* Pair key and value before summing, so that swapping values
         * between two keys changes the sum. */
        sum += nz_hash_mix64(kh ^ (vh * K_MUL2));
    }
    *out = nz_hash_mix64(absorb(TAG_OBJECT ^ (n * K_GOLDEN), sum));
    return 0;
}

static int key_array(nz_content_key *k, const json_t *a, size_t depth,
                     uint64_t *out)
{
    size_t n = json_array_size(a);
    put_byte(k, TAG_ARRAY);
    put_varint(k, n);
    uint64_t h = (TAG_ARRAY ^ (uint64_t)n) * K_GOLDEN;
    for (size_t i = 0; i < n; i++) {
        uint64_t e;
        int rc = key_value(k, json_array_get(a, i), depth, &e);
        if (rc != 0)
            return rc;
        h = absorb(h, e); /* chained: element order matters */
    }
    *out = nz_hash_mix64(h);
    return 0;
}

static int key_value(nz_content_key *k, const json_t *v, size_t depth,
                     uint64_t *out)
{
    if (reserve(k, NODE_MAX) != 0)
        return NZ_ENOMEM;
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        if (depth == 0)
            return -1;
        return key_object(k, v, depth - 1, out);
    case JSON_ARRAY:
        if (depth == 0)
            return -1;
        return key_array(k, v, depth - 1, out);
    case JSON_STRING: {
        const char *s = json_string_value(v);
        size_t n = json_string_length(v);
        if (reserve(k, n + NODE_MAX) != 0)
            return NZ_ENOMEM;
        put_byte(k, TAG_STRING);
        put_varint(k, n);
        put_bytes(k, s, n);
        *out = hash_bytes(s, n, TAG_STRING);
        return 0;
    }
    case JSON_INTEGER: {
        uint64_t bits = (uint64_t)json_integer_value(v);
        put_byte(k, TAG_INTEGER);
        put_u64(k, bits);
        /* Scalars get one multiply; members and elements mix them. */
        *out = (bits ^ TAG_INTEGER * K_GOLDEN) * K_MUL1;
        return 0;
    }
    case JSON_REAL: {
        /* json_equal() compares reals with ==, under which -0.0 equals
         * 0.0: give both the same bits. */
        double d = json_real_value(v);
        uint64_t bits = 0;
        if (d != 0.0)
            memcpy(&bits, &d, sizeof bits);
        put_byte(k, TAG_REAL);
        put_u64(k, bits);
        *out = (bits ^ TAG_REAL * K_GOLDEN) * K_MUL2;
        return 0;
    }
    case JSON_TRUE:
        put_byte(k, TAG_TRUE);
        *out = TAG_TRUE * K_GOLDEN;
        return 0;
    case JSON_FALSE:
        put_byte(k, TAG_FALSE);
        *out = TAG_FALSE * K_GOLDEN;
        return 0;
    case JSON_NULL:
    default:
        put_byte(k, TAG_NULL);
        *out = TAG_NULL * K_GOLDEN;
        return 0;
    }
}

int nz_content_key_build(nz_content_key *k, const json_t *v,
                         size_t max_depth)
{
    k->hash = 0;
    k->bytes = k->inline_buf;
    k->len = 0;
    k->cap = sizeof k->inline_buf;
    if (!v)
        return -1;
    return key_value(k, v, max_depth, &k->hash);
}

void nz_content_key_free(nz_content_key *k)
{
    if (k->bytes != k->inline_buf)
        nz_free(k->bytes);
    k->bytes = k->inline_buf;
    k->len = 0;
    k->cap = sizeof k->inline_buf;
}

/* ---- equality ------------------------------------------------------------ */

static bool equal_value(const json_t *a, const json_t *b, size_t depth);

static bool equal_object(const json_t *a, const json_t *b, size_t depth)
{
    if (json_object_size(a) != json_object_size(b))
        return false;
    json_t *oa = (json_t *)(uintptr_t)a; /* iterators only read */
    /* Same size and unique keys: every key of a found in b with an equal
     * value means equal objects. */
    for (void *it = json_object_iter(oa); it;
         it = json_object_iter_next(oa, it)) {
        const json_t *vb = json_object_getn(b, json_object_iter_key(it),
                                            json_object_iter_key_len(it));
        if (!vb || !equal_value(json_object_iter_value(it), vb, depth))
            return false;
    }
    return true;
}

static bool equal_value(const json_t *a, const json_t *b, size_t depth)
{
    if (a == b)
        return true;
    if (!a || !b || json_typeof(a) != json_typeof(b))
        return false;
    switch (json_typeof(a)) {
    case JSON_OBJECT:
        return depth > 0 && equal_object(a, b, depth - 1);
    case JSON_ARRAY: {
        size_t n = json_array_size(a);
        if (depth == 0 || n != json_array_size(b))
            return false;
        for (size_t i = 0; i < n; i++) {
            if (!equal_value(json_array_get(a, i), json_array_get(b, i),
                             depth - 1))
                return false;
        }
        return true;
    }
    case JSON_STRING: {
        size_t n = json_string_length(a);
        return n == json_string_length(b) &&
               memcmp(json_string_value(a), json_string_value(b), n) == 0;
    }
    case JSON_INTEGER:
        return json_integer_value(a) == json_integer_value(b);
    case JSON_REAL:
        return json_real_value(a) == json_real_value(b);
    default:
        return true; /* true, false, null: the type says it all */
    }
}

bool nz_json_content_equal(const json_t *a, const json_t *b, size_t max_depth)
{
    return equal_value(a, b, max_depth);
}
