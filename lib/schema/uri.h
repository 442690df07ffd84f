/* URI references (RFC 3986): split into parts, resolve against a base
 * (§5.2), remove dot segments, and normalise the case of scheme and host
 * so equal identifiers compare equal as strings. */
#ifndef NZ_SCHEMA_URI_H
#define NZ_SCHEMA_URI_H

#include <stdbool.h>
#include <stddef.h>

/* Components of a URI reference, as offsets into the parsed string. A
 * component is absent when its has_ flag is false (scheme: len 0). */
typedef struct nz_uri_parts {
    const char *scheme;
    size_t scheme_len;
    bool has_authority;
    const char *authority;
    size_t authority_len;
    const char *path;
    size_t path_len;
    bool has_query;
    const char *query;
    size_t query_len;
    bool has_fragment;
    const char *fragment;
    size_t fragment_len;
} nz_uri_parts;

/* Split s (NUL-terminated) into its components; never fails: any string is
 * a URI reference when read loosely (§B's regular expression). */
void nz_uri_split(const char *s, nz_uri_parts *p);

/* True when s has a scheme (an absolute URI, possibly with a fragment). */
bool nz_uri_is_absolute(const char *s);

/* Resolve ref against base (§5.2.2, strict). base may be NULL or "" (then
 * ref is only normalised). Returns a new string (nz_free), NULL on
 * out-of-memory. */
char *nz_uri_resolve(const char *base, const char *ref);

/* A copy of uri without its fragment ("http://a/b#c" -> "http://a/b");
 * *fragment (may be NULL) points to the fragment text inside uri, or NULL
 * when there is none. Returns NULL on out-of-memory. */
char *nz_uri_strip_fragment(const char *uri, const char **fragment);

/* Decode %XX escapes of a fragment into a new string (nz_free). */
char *nz_uri_unescape(const char *s, size_t len);

#endif
