/* ECMA-262 pattern -> PCRE2 pattern.
 *
 * JSON Schema patterns are ECMA-262 regular expressions (2020-12 §6.4),
 * read in Unicode ("u" flag) mode. PCRE2 is close but not the same, so the
 * pattern is parsed here with the ECMA grammar — which also rejects what
 * ECMA-262 does not allow (PCRE-only syntax such as (?i), \A, atomic groups,
 * possessive quantifiers) — and re-emitted as an equivalent PCRE2 pattern
 * meant for PCRE2_UTF without PCRE2_UCP, so \d \w \b stay ASCII as in ECMA.
 *
 * Leniency (Annex B, plain meaning, as real-world schemas need): identity
 * escapes of ASCII punctuation and of non-ASCII characters (\& \- \' \é),
 * a lone ']' or '}' or a '{' that does not start a quantifier is a literal,
 * and a '-' next to a class escape inside a class ([\w-.]) is a literal '-'.
 * Escapes of letters and digits that ECMA does not define (\a, \A, \z, \8)
 * stay errors: their meaning differs between regex dialects.
 */
#ifndef NZ_SCHEMA_REGEX_TRANSLATE_H
#define NZ_SCHEMA_REGEX_TRANSLATE_H

#include <stddef.h>

/* Translate pattern (len bytes of UTF-8). On success returns 0 with *out a
 * new NUL-terminated PCRE2 pattern (release with nz_free) of *out_len bytes,
 * and — when the pattern leans on one of the leniencies above — the first
 * one described in warn ("" otherwise). On an invalid pattern returns
 * NZ_ESCHEMA with "invalid pattern: REASON (at character N)" in err;
 * NZ_ENOMEM when memory runs out. err / warn may be NULL when their size
 * is 0. */
int nz_regex_translate(const char *pattern, size_t len, char **out,
                       size_t *out_len, char *err, size_t err_size,
                       char *warn, size_t warn_size);

#endif
