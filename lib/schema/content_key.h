/* The content key of a JSON value, for the compiled-schema cache: a hash
 * that ignores key order, plus a byte encoding that confirms a match.
 *
 * Both come from one walk of the tree, which is the whole cost of a cache
 * hit (no serialising, sorting, or allocating for schemas whose encoding
 * fits the key's inline buffer):
 * - hash: 64 bits; object members are summed, not chained, so member
 *   order does not change it (and whitespace never reaches the tree);
 * - bytes: the tree in pre-order, in its own member order, with lengths:
 *   equal bytes prove equal content (the encoding is unambiguous), so a
 *   hit is confirmed with one memcmp() against the entry's bytes, without
 *   walking the stored tree. Different bytes with an equal hash mean the
 *   same content in another member order, or a collision:
 *   nz_json_content_equal() against the stored tree decides.
 */
#ifndef NZ_SCHEMA_CONTENT_KEY_H
#define NZ_SCHEMA_CONTENT_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Bytes of encoding kept on the stack; larger keys go to the heap. */
#define NZ_CONTENT_KEY_INLINE 4096

typedef struct nz_content_key {
    uint64_t hash;
    unsigned char *bytes; /* inline_buf or heap */
    size_t len;
    size_t cap;
    unsigned char inline_buf[NZ_CONTENT_KEY_INLINE];
} nz_content_key;

/* Build the key of v (borrowed, only read). Walks at most max_depth
 * levels of arrays and objects.
 * @return 0; -1 when v is deeper than that (or cyclic, which jansson
 *         trees can be made into); NZ_ENOMEM. Always release with
 *         nz_content_key_free(), whatever the result. */
int nz_content_key_build(nz_content_key *k, const json_t *v,
                         size_t max_depth);

void nz_content_key_free(nz_content_key *k);

/* Mix 64 bits into 64 well-spread bits (a bijection). */
uint64_t nz_hash_mix64(uint64_t x);

/* Hash n bytes, starting from seed. */
uint64_t nz_hash_bytes(const void *data, size_t n, uint64_t seed);

/* Do a and b hold the same content? The same answer as json_equal() (no
 * numeric conversions: 1 and 1.0 differ, as they may in a schema; member
 * order does not matter). Gives false beyond max_depth levels. */
bool nz_json_content_equal(const json_t *a, const json_t *b,
                           size_t max_depth);

#endif
