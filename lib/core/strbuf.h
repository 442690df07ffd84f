/* A growable NUL-terminated string for building messages, URIs and JSON
 * Pointers on error paths. An allocation failure sticks in `failed`, so a
 * builder can append freely and check once at the end. */
#ifndef NZ_CORE_STRBUF_H
#define NZ_CORE_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct nz_strbuf {
    char *s; /* NUL-terminated once anything was added; free with nz_free */
    size_t len, cap;
    bool failed;
} nz_strbuf;

/* Append s[0, n). */
void nz_strbuf_add(nz_strbuf *b, const char *s, size_t n);

#endif
