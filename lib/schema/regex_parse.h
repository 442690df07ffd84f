/* Internals of the ECMA-262 -> PCRE2 translator, shared by its three
 * files: regex_translate.c (patterns, groups, terms, quantifiers: the entry
 * point), regex_escape.c (backslash escapes, \p{...}, group names) and
 * regex_class.c (character classes). Not used elsewhere. */
#ifndef NZ_SCHEMA_REGEX_PARSE_H
#define NZ_SCHEMA_REGEX_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/utf8.h"


/* ECMA \s: WhiteSpace and LineTerminator, i.e. TAB VT FF SP NBSP ZWNBSP,
 * the Zs category, LF CR LS PS (ECMA-262 §22.2.2.9 CharacterClassEscape). */
#define NZ_RX_SPACE_SET                                                       \
    "\\x{9}-\\x{d}\\x{20}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}"        \
    "\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}"
/* ECMA LineTerminator: what '.' does not match and what ^ $ see in m mode. */
#define NZ_RX_LINE_TERM_SET "\\x{a}\\x{d}\\x{2028}\\x{2029}"

typedef struct rx_buf {
    char *data;
    size_t len, cap;
} rx_buf;

typedef struct rx_name {
    const unsigned char *text;
    size_t len;
} rx_name;

typedef struct rx {
    const unsigned char *p;
    size_t n, pos;
    rx_buf out;
    uint32_t ncaps;   /* capture groups in the whole pattern */
    rx_name *names;   /* group names in order of appearance */
    size_t nnames;
    bool flag_i, flag_m, flag_s; /* modifiers in force: (?ims-ims:...) */
    int depth;
    int rc; /* first error, 0 while all is well */
    char *err;
    size_t err_size;
    char *warn; /* first leniency used, for a schema warning */
    size_t warn_size;
    bool warned;
} rx;

/* What a \uD800-style escape yields: a lone surrogate, which UTF-8 text
 * cannot hold. */
enum { CP_LONE_SURROGATE = 0x110000 };

/* ---- output and errors (regex_translate.c) ---------------------------- */

void nz_rx_put_mem(rx *t, const char *s, size_t n);
void nz_rx_put(rx *t, const char *s);
/* A literal code point: ASCII letters and digits as themselves, anything
 * else as \x{HEX}, so no character takes a PCRE2 meaning by accident. */
void nz_rx_put_cp(rx *t, uint32_t cp);
/* Record the first error: "invalid pattern: REASON (at character N)". */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void nz_rx_fail(rx *t, size_t at, const char *fmt, ...);
/* Record the first leniency used (see regex_translate.h). */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void nz_rx_lenient(rx *t, size_t at, const char *fmt, ...);

/* ---- escapes (regex_escape.c) ------------------------------------------- */

/* "<name>" at pos: its index in t->names, or -1 with an error set. */
long nz_rx_group_name(rx *t, bool defining);
/* A CharacterEscape after the backslash (pos on the letter): the code
 * point, CP_LONE_SURROGATE, or 0 with an error set. */
uint32_t nz_rx_char_escape(rx *t, size_t at, bool in_class);
/* After \p or \P (pos on '{'): emit the PCRE2 property escape. */
void nz_rx_property(rx *t, size_t at, bool negated);

/* ---- classes (regex_class.c) ----------------------------------------------- */

/* A class at pos ('['), emitted as an equivalent PCRE2 atom. */
void nz_rx_class(rx *t);

/* ---- input (shared by the parser files) ---------------------------------- */

static inline bool at_end(const rx *t)
{
    return t->pos >= t->n;
}

static inline int peek_at(const rx *t, size_t off)
{
    return t->pos + off < t->n ? t->p[t->pos + off] : -1;
}

static inline int peek(const rx *t)
{
    return peek_at(t, 0);
}

/* Decode the code point at pos and advance; the pattern was checked to be
 * UTF-8 up front, so decoding cannot fail here. */
static inline uint32_t next_cp(rx *t)
{
    uint32_t cp = 0;
    size_t k = nz_utf8_decode(t->p + t->pos, t->n - t->pos, &cp);
    t->pos += k ? k : 1;
    return cp;
}

static inline int hex_val(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static inline bool is_ascii_alnum(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
}

static inline bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

#endif
