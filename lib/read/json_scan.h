/* A minimal JSON tokenizer over source text.
 *
 * jansson builds the trees; it does not say where nodes are. These helpers
 * walk the source text of a record that jansson has already parsed (or
 * rejected) to answer "where?" questions: where a node of a record starts,
 * where the token jansson complained about begins, where a duplicate key
 * was first defined. They run only when a position is asked for, so the
 * happy path pays nothing for them.
 *
 * All functions take the text t[0, len) and offsets into it; none reads
 * past len, and all tolerate malformed text (they stop at len).
 */
#ifndef NZ_READ_JSON_SCAN_H
#define NZ_READ_JSON_SCAN_H

#include <stdbool.h>
#include <stddef.h>

static inline bool nz_json_is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Bytes that end a bare token (number or literal). */
static inline bool nz_json_is_delim(unsigned char c)
{
    return nz_json_is_ws(c) || c == '[' || c == ']' || c == '{' ||
           c == '}' || c == ',' || c == ':' || c == '"' || c == 0x1E;
}

size_t nz_json_skip_ws(const unsigned char *t, size_t len, size_t off);

/* t[off] is '"': the offset just past the closing quote (len if none). */
size_t nz_json_skip_string(const unsigned char *t, size_t len, size_t off);

/* The offset just past the token starting at off (a string, a bare
 * token, or one punctuation byte). */
size_t nz_json_token_end(const unsigned char *t, size_t len, size_t off);

/* The offset just past the value starting at off (after whitespace). */
size_t nz_json_skip_value(const unsigned char *t, size_t len, size_t off);

/* Start of the token containing byte `at` (whitespace belongs to no
 * token: then `at` itself). */
size_t nz_json_token_start(const unsigned char *t, size_t len, size_t at);

/* Does the string token t[off, end) decode to key[0, key_len)? */
bool nz_json_string_equals(const unsigned char *t, size_t off, size_t end,
                           const char *key, size_t key_len);

/* The '{' or '[' that opens the innermost object or array containing byte `at`,
 * or (size_t)-1 when `at` is at the top level. */
size_t nz_json_enclosing(const unsigned char *t, size_t len, size_t at);

#endif
