/* Finding the node a JSON Pointer names inside a record's source text. */
#ifndef NZ_READ_JSON_LOCATE_H
#define NZ_READ_JSON_LOCATE_H

#include <stddef.h>

/* Set *at to the offset in t[0, len) where the value named by the RFC 6901
 * pointer begins. Where an object repeats a key, the last one is found (it
 * is the one the tree holds). Returns 0, NZ_ENOTFOUND or NZ_EINVAL (a
 * pointer that is not "" and does not start with '/'). */
int nz_json_locate(const unsigned char *t, size_t len, const char *pointer,
                   size_t *at);

#endif
