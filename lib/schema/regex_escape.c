/* Backslash escapes of ECMA-262 patterns (Unicode mode, with the Annex B
 * identity escapes real-world schemas use), Unicode property escapes, and
 * group names. */
#include <stdio.h>
#include <string.h>

#include "schema/regex_parse.h"
#include "schema/regex_property.h"

long nz_rx_group_name(rx *t, bool defining)
{
    size_t start = t->pos;
    if (peek(t) != '<') {
        nz_rx_fail(t, start, "\\k must be followed by <name>");
        return -1;
    }
    t->pos++;
    size_t s = t->pos;
    while (!at_end(t) && peek(t) != '>') {
        int c = peek(t);
        bool first = t->pos == s;
        if (c == '\\') {
            nz_rx_fail(t, t->pos, "escapes in group names are not supported");
            return -1;
        }
        if (c < 0x80 && !(c == '$' || c == '_' ||
                          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (!first && is_digit(c)))) {
            nz_rx_fail(t, t->pos, "'%c' cannot appear in a group name", c);
            return -1;
        }
        next_cp(t);
    }
    if (at_end(t)) {
        nz_rx_fail(t, start, "unterminated group name (missing '>')");
        return -1;
    }
    size_t len = t->pos - s;
    t->pos++; /* '>' */
    if (len == 0) {
        nz_rx_fail(t, start, "empty group name");
        return -1;
    }
    for (size_t k = 0; k < t->nnames; k++)
        if (t->names[k].len == len && memcmp(t->names[k].text, t->p + s, len) == 0)
            return (long)k;
    nz_rx_fail(t, s, defining ? "group name '%.*s' could not be registered"
                           : "\\k<%.*s> names no group in the pattern",
            (int)len, (const char *)t->p + s);
    return -1;
}

/* ---- escapes ------------------------------------------------------------ */

static int parse_hex4(rx *t, size_t at)
{
    int v = 0;
    for (int k = 0; k < 4; k++) {
        int h = hex_val(peek(t));
        if (h < 0) {
            nz_rx_fail(t, at, "\\u needs four hex digits or {hex}");
            return -1;
        }
        v = v * 16 + h;
        t->pos++;
    }
    return v;
}

/* After \u: XXXX (joining a \uD8xx\uDCxx surrogate pair) or {X...}. */
static uint32_t parse_unicode_escape(rx *t, size_t at)
{
    if (peek(t) == '{') {
        t->pos++;
        uint32_t v = 0;
        size_t s = t->pos;
        while (hex_val(peek(t)) >= 0) {
            v = v * 16 + (uint32_t)hex_val(peek(t));
            if (v > 0x10FFFF) {
                nz_rx_fail(t, at, "\\u{...} above 10FFFF");
                return 0;
            }
            t->pos++;
        }
        if (t->pos == s || peek(t) != '}') {
            nz_rx_fail(t, at, "\\u{ needs hex digits and a closing '}'");
            return 0;
        }
        t->pos++;
        return (v >= 0xD800 && v <= 0xDFFF) ? CP_LONE_SURROGATE : v;
    }
    int hi = parse_hex4(t, at);
    if (hi < 0)
        return 0;
    if (hi >= 0xD800 && hi <= 0xDBFF && peek(t) == '\\' && peek_at(t, 1) == 'u') {
        size_t save = t->pos;
        t->pos += 2;
        int lo = -1;
        bool four = true;
        for (int k = 0; k < 4; k++)
            if (hex_val(peek_at(t, (size_t)k)) < 0)
                four = false;
        if (four)
            lo = parse_hex4(t, at);
        if (lo >= 0xDC00 && lo <= 0xDFFF)
            return 0x10000u + (((uint32_t)hi - 0xD800u) << 10) +
                   ((uint32_t)lo - 0xDC00u);
        t->pos = save;
    }
    if (hi >= 0xD800 && hi <= 0xDFFF)
        return CP_LONE_SURROGATE;
    return (uint32_t)hi;
}

/* A CharacterEscape after the backslash (pos is on the letter). Returns
 * the code point, CP_LONE_SURROGATE, or 0 with t->rc set. */
uint32_t nz_rx_char_escape(rx *t, size_t at, bool in_class)
{
    int c = peek(t);
    switch (c) {
    case 'f': t->pos++; return 0x0C;
    case 'n': t->pos++; return 0x0A;
    case 'r': t->pos++; return 0x0D;
    case 't': t->pos++; return 0x09;
    case 'v': t->pos++; return 0x0B;
    case 'c': {
        int l = peek_at(t, 1);
        if (!((l >= 'a' && l <= 'z') || (l >= 'A' && l <= 'Z'))) {
            nz_rx_fail(t, at, "\\c needs a letter");
            return 0;
        }
        t->pos += 2;
        return (uint32_t)(l % 32);
    }
    case 'x': {
        int h1 = hex_val(peek_at(t, 1)), h2 = hex_val(peek_at(t, 2));
        if (h1 < 0 || h2 < 0) {
            nz_rx_fail(t, at, "\\x needs two hex digits");
            return 0;
        }
        t->pos += 3;
        return (uint32_t)(h1 * 16 + h2);
    }
    case 'u':
        t->pos++;
        return parse_unicode_escape(t, at);
    case '0':
        if (is_digit(peek_at(t, 1))) {
            nz_rx_fail(t, at, "legacy octal escape \\0%c is not allowed", peek_at(t, 1));
            return 0;
        }
        t->pos++;
        return 0;
    default:
        break;
    }
    if (c < 0) {
        nz_rx_fail(t, at, "\\ at end of pattern");
        return 0;
    }
    if (c >= 0x80) {
        nz_rx_lenient(t, at, "identity escape of a non-ASCII character, read as the character");
        return next_cp(t); /* \é: identity escape, plain meaning */
    }
    if (!is_ascii_alnum(c)) {
        /* SyntaxCharacter and '/' are ECMA identity escapes; other
         * punctuation is Annex B's, with the same plain meaning. */
        if (!strchr("^$\\.*+?()[]{}|/", c) && !(in_class && c == '-'))
            nz_rx_lenient(t, at, "identity escape \\%c, read as '%c'", c, c);
        t->pos++;
        return (uint32_t)c; /* \. \/ \- \& ...: the character itself */
    }
    switch (c) {
    case 'A': case 'Z': case 'z': case 'G':
        nz_rx_fail(t, at, "\\%c is a PCRE anchor, not ECMA-262 (use ^ or $)", c);
        break;
    case 'h': case 'H': case 'R': case 'X': case 'N': case 'K': case 'Q':
    case 'E': case 'e': case 'a': case 'g': case 'o': case 'C': case 'V':
    case 'L': case 'l': case 'U':
        nz_rx_fail(t, at, "\\%c is PCRE/Perl syntax, not an ECMA-262 escape", c);
        break;
    default:
        if (is_digit(c))
            nz_rx_fail(t, at, in_class ? "\\%c is not allowed in a character class"
                                    : "\\%c is not a valid escape", c);
        else
            nz_rx_fail(t, at, "\\%c is not a valid ECMA-262 escape", c);
        break;
    }
    return 0;
}

/* ---- Unicode properties -------------------------------------------------- */

/* After \p or \P (pos on '{'): emit the PCRE2 property escape. */
void nz_rx_property(rx *t, size_t at, bool negated)
{
    if (peek(t) != '{') {
        nz_rx_fail(t, at, "\\%c needs {Name} or {Name=Value}", negated ? 'P' : 'p');
        return;
    }
    t->pos++;
    size_t s = t->pos, eq = 0;
    while (!at_end(t) && peek(t) != '}') {
        int c = peek(t);
        if (c == '=' && !eq)
            eq = t->pos;
        else if (!(is_ascii_alnum(c) || c == '_')) {
            nz_rx_fail(t, t->pos, "'%c' cannot appear in a Unicode property name",
                    c < 0x80 ? c : '?');
            return;
        }
        t->pos++;
    }
    if (at_end(t)) {
        nz_rx_fail(t, at, "unterminated \\%c{ (missing '}')", negated ? 'P' : 'p');
        return;
    }
    size_t e = t->pos;
    t->pos++;
    const unsigned char *name = t->p + s, *value = NULL;
    size_t name_len = (eq ? eq : e) - s, value_len = 0;
    if (eq) {
        value = t->p + eq + 1;
        value_len = e - eq - 1;
    }
    char text[96];
    const char *prefix = negated ? "\\P{" : "\\p{";
    int k = -1;
    if (eq) {
        if (value_len == 0 || value_len > 60) {
            nz_rx_fail(t, at, "missing or overlong property value");
            return;
        }
        if (nz_regex_span_is(name, name_len, "General_Category") || nz_regex_span_is(name, name_len, "gc")) {
            const char *g = nz_regex_gc_short(value, value_len);
            if (!g) {
                nz_rx_fail(t, at, "unknown General_Category value '%.*s'",
                        (int)value_len, (const char *)value);
                return;
            }
            k = snprintf(text, sizeof text, "%s%s}", prefix, g);
        } else if (nz_regex_span_is(name, name_len, "Script") || nz_regex_span_is(name, name_len, "sc")) {
            k = snprintf(text, sizeof text, "%ssc:%.*s}", prefix, (int)value_len,
                         (const char *)value);
        } else if (nz_regex_span_is(name, name_len, "Script_Extensions") ||
                   nz_regex_span_is(name, name_len, "scx")) {
            k = snprintf(text, sizeof text, "%sscx:%.*s}", prefix, (int)value_len,
                         (const char *)value);
        } else {
            nz_rx_fail(t, at, "unknown Unicode property '%.*s' (ECMA-262 allows "
                    "General_Category, Script, Script_Extensions)",
                    (int)(name_len > 60 ? 60 : name_len), (const char *)name);
            return;
        }
    } else {
        const char *g = nz_regex_gc_short(name, name_len);
        const char *b = g ? NULL : nz_regex_binary_property(name, name_len);
        if (g)
            k = snprintf(text, sizeof text, "%s%s}", prefix, g);
        else if (b && strcmp(b, "Assigned") == 0) /* = not Unassigned */
            k = snprintf(text, sizeof text, "%sCn}", negated ? "\\p{" : "\\P{");
        else if (b)
            k = snprintf(text, sizeof text, "%s%s}", prefix, b);
        else {
            nz_rx_fail(t, at, "unknown Unicode property \\%c{%.*s}",
                    negated ? 'P' : 'p', (int)(name_len > 60 ? 60 : name_len),
                    (const char *)name);
            return;
        }
    }
    if (k > 0 && (size_t)k < sizeof text)
        nz_rx_put_mem(t, text, (size_t)k);
}

