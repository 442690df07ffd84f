/* Regular expressions for JSON Schema `pattern` / `patternProperties`:
 * ECMA-262 patterns (translated by regex_translate.c) run on PCRE2 with JIT
 * when available. A compiled nz_regex is immutable and may be shared by
 * threads; each thread keeps its own match data and JIT stack.
 *
 * Limits (0 = default):
 *   match_limit  NZ_REGEX_DEFAULT_MATCH_LIMIT (10 000 000): PCRE2's count of
 *                backtracking steps per search. Ordinary patterns use a few
 *                per subject character; `^(a+)+$` on 10 000 'a' + '!' needs
 *                about 2^10000 and stops well within a second with
 *                NZ_EMATCHLIMIT.
 *   depth_limit  NZ_REGEX_DEFAULT_DEPTH_LIMIT (250 000): PCRE2's nesting of
 *                backtracking points (interpreter only; the JIT is bounded
 *                by its stack, NZ_REGEX_JIT_STACK_MAX bytes per thread).
 *                `(a|b)*` style patterns need about one per subject
 *                character, so such searches on subjects up to ~250 000
 *                characters pass; PCRE2's heap for them is capped at 64 MiB.
 * Measured (2 cores, JIT): the ReDoS case above returns NZ_EMATCHLIMIT in
 * ~0.03 s; without JIT ~0.2 s.
 *
 * Where the result still differs from ECMA-262 (all rare in schemas):
 *  - a variable-length lookbehind such as (?<=a+) is valid ECMA but PCRE2
 *    10.42 only runs lookbehinds whose alternatives have fixed lengths:
 *    nz_regex_compile refuses it ("unsupported pattern: ..."), while
 *    nz_regex_is_valid_ecma (format "regex") accepts it; the same for {n}
 *    bounds above 65535;
 *  - ECMA resets the captures inside a repeated group at each iteration,
 *    PCRE2 keeps the last value: /^(?:(a)|b)+\1$/ matches "ab" in ECMA,
 *    "aba" here;
 *  - group names: ASCII letters, digits, $ and _, and any non-ASCII
 *    character (ECMA wants ID_Start/ID_Continue; not checked), no \u escapes;
 *  - a lone surrogate escape (\uD800) never matches: UTF-8 text cannot hold
 *    one.
 * ES2025 modifier groups (?i:...), (?m:...), (?s:...), (?-i:...) are
 * supported; a bare (?i) is not ECMA and is refused.
 */
#ifndef NZ_SCHEMA_REGEX_H
#define NZ_SCHEMA_REGEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "normalize/schema.h"

/* The public defaults (schema.h), which callers and the CLI's help state. */
#define NZ_REGEX_DEFAULT_MATCH_LIMIT NZ_SCHEMA_DEFAULT_REGEX_MATCH_LIMIT
#define NZ_REGEX_DEFAULT_DEPTH_LIMIT NZ_SCHEMA_DEFAULT_REGEX_DEPTH_LIMIT
#define NZ_REGEX_JIT_STACK_MAX (4u * 1024u * 1024u)

typedef struct nz_regex nz_regex;

/* Compile an ECMA-262 pattern as JSON Schema means it (2020-12 §6.4:
 * ECMA-262, Unicode-aware; patterns are not anchored). 0, or NZ_ESCHEMA with
 * a clear reason in err ("invalid pattern: \c needs a letter"); NZ_ENOMEM.
 * Limits: 0 = defaults. *out is new (nz_regex_free) on success, NULL on
 * failure. */
int nz_regex_compile(nz_regex **out, const char *pattern, size_t len,
                     uint64_t match_limit, uint64_t depth_limit, char *err,
                     size_t err_size);

/* 1 match, 0 no match, NZ_EMATCHLIMIT when PCRE2's match or depth limit (or
 * the JIT stack) stopped it. Also NZ_EUTF8 when s is not UTF-8 and
 * NZ_ENOMEM when this thread's match data cannot be allocated. Thread-safe
 * on a shared nz_regex, allocation-free on repeated calls from the same
 * thread (thread-local match data / JIT stack), never hangs. */
int nz_regex_search(const nz_regex *re, const char *s, size_t len);

void nz_regex_free(nz_regex *re);

/* NULL for a strictly valid ECMA-262 (Unicode mode) pattern; otherwise the
 * first leniency it relies on, e.g. "pattern is not strict ECMA-262 (Unicode
 * mode): identity escape \&, read as '&' (at character 3)" — for a schema
 * warning. Borrowed: lives as long as re. */
const char *nz_regex_warning(const nz_regex *re);

/* Bytes held, for cache bounds (compiled code, JIT code, warning). */
size_t nz_regex_size(const nz_regex *re);

/* True when pattern is a valid ECMA-262 (Unicode mode) regular expression,
 * for format "regex". This is the syntax check of nz_regex_compile, minus
 * PCRE2's own limits (variable-length lookbehind, {n} above 65535), which
 * ECMA-262 allows. */
bool nz_regex_is_valid_ecma(const char *pattern, size_t len);

#endif
