/* ECMA-262 (Unicode mode) pattern parser that re-emits PCRE2 syntax: the
 * entry point, output and errors, quantifiers, groups and terms.
 *
 * One recursive-descent pass over the ECMA grammar (Disjunction /
 * Alternative / Term / Atom), preceded by a scan that counts capture groups
 * and collects group names, because ECMA allows a backreference before the
 * group it names. Escapes are parsed in regex_escape.c, classes in
 * regex_class.c.
 */
#include "schema/regex_translate.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "normalize/error.h"
#include "schema/regex_parse.h"

/* Deeper group nesting than this is refused before the C stack suffers;
 * PCRE2's own default nest limit is 250. */
#define NZ_RX_MAX_NESTING 200

/* ---- output and errors ------------------------------------------------ */

void nz_rx_put_mem(rx *t, const char *s, size_t n)
{
    if (t->rc)
        return;
    if (t->out.len + n + 1 > t->out.cap) {
        size_t cap = t->out.cap ? t->out.cap : 64;
        while (cap < t->out.len + n + 1)
            cap *= 2;
        char *d = nz_realloc(t->out.data, cap);
        if (!d) {
            t->rc = NZ_ENOMEM;
            return;
        }
        t->out.data = d;
        t->out.cap = cap;
    }
    memcpy(t->out.data + t->out.len, s, n);
    t->out.len += n;
    t->out.data[t->out.len] = '\0';
}

void nz_rx_put(rx *t, const char *s)
{
    nz_rx_put_mem(t, s, strlen(s));
}

void nz_rx_put_cp(rx *t, uint32_t cp)
{
    char tmp[16];
    if ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
        (cp >= 'A' && cp <= 'Z')) {
        tmp[0] = (char)cp;
        nz_rx_put_mem(t, tmp, 1);
        return;
    }
    int k = snprintf(tmp, sizeof tmp, "\\x{%lx}", (unsigned long)cp);
    if (k > 0)
        nz_rx_put_mem(t, tmp, (size_t)k);
}

/* Character index (not byte) of a byte offset, for messages. */
static size_t char_index(const rx *t, size_t byte)
{
    return (size_t)nz_utf8_count(t->p, byte < t->n ? byte : t->n) + 1;
}

void nz_rx_fail(rx *t, size_t at, const char *fmt, ...)
{
    if (t->rc)
        return;
    t->rc = NZ_ESCHEMA;
    if (!t->err || t->err_size == 0)
        return;
    char reason[192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    snprintf(t->err, t->err_size, "invalid pattern: %s (at character %zu)",
             reason, char_index(t, at));
}

/* Accepted, but only by Annex B's reading: say so once, so the schema
 * author can be warned. */
void nz_rx_lenient(rx *t, size_t at, const char *fmt, ...)
{
    if (t->warned || !t->warn || t->warn_size == 0)
        return;
    t->warned = true;
    char reason[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    snprintf(t->warn, t->warn_size,
             "pattern is not strict ECMA-262 (Unicode mode): %s (at character %zu)",
             reason, char_index(t, at));
}

/* ---- quantifier syntax -------------------------------------------------- */

/* Does a valid braced quantifier {n}, {n,} or {n,m} start at pos? If so,
 * fill min/max (max UINT64_MAX when open) and its byte length. */
static bool braced_quantifier(const rx *t, uint64_t *min, uint64_t *max,
                              size_t *length)
{
    size_t i = t->pos;
    if (i >= t->n || t->p[i] != '{')
        return false;
    i++;
    uint64_t a = 0, b;
    size_t start = i;
    while (i < t->n && is_digit(t->p[i])) {
        a = a > 1000000000u ? a : a * 10 + (uint64_t)(t->p[i] - '0');
        i++;
    }
    if (i == start)
        return false;
    b = a;
    if (i < t->n && t->p[i] == ',') {
        i++;
        size_t s2 = i;
        b = 0;
        while (i < t->n && is_digit(t->p[i])) {
            b = b > 1000000000u ? b : b * 10 + (uint64_t)(t->p[i] - '0');
            i++;
        }
        if (i == s2)
            b = UINT64_MAX;
    }
    if (i >= t->n || t->p[i] != '}')
        return false;
    *min = a;
    *max = b;
    *length = i + 1 - t->pos;
    return true;
}

static bool quantifier_starts(const rx *t)
{
    int c = peek(t);
    uint64_t a, b;
    size_t l;
    return c == '*' || c == '+' || c == '?' || braced_quantifier(t, &a, &b, &l);
}

/* ---- pre-scan: capture count and group names ----------------------------- */

static void prescan(rx *t)
{
    bool in_class = false;
    for (size_t i = 0; i < t->n && !t->rc; i++) {
        unsigned char c = t->p[i];
        if (c == '\\') {
            i++;
            continue;
        }
        if (in_class) {
            if (c == ']')
                in_class = false;
            continue;
        }
        if (c == '[') {
            in_class = true;
            continue;
        }
        if (c != '(')
            continue;
        if (i + 1 >= t->n || t->p[i + 1] != '?') {
            t->ncaps++;
            continue;
        }
        if (i + 2 < t->n && t->p[i + 2] == '<' &&
            !(i + 3 < t->n && (t->p[i + 3] == '=' || t->p[i + 3] == '!'))) {
            size_t s = i + 3, e = s;
            while (e < t->n && t->p[e] != '>')
                e++;
            t->ncaps++;
            for (size_t k = 0; k < t->nnames; k++) {
                if (t->names[k].len == e - s &&
                    memcmp(t->names[k].text, t->p + s, e - s) == 0) {
                    nz_rx_fail(t, s, "duplicate group name '%.*s'",
                            (int)(e - s), (const char *)t->p + s);
                    return;
                }
            }
            rx_name *nn =
                nz_realloc(t->names, (t->nnames + 1) * sizeof *t->names);
            if (!nn) {
                t->rc = NZ_ENOMEM;
                return;
            }
            t->names = nn;
            t->names[t->nnames].text = t->p + s;
            t->names[t->nnames].len = e - s;
            t->nnames++;
        }
    }
}

/* Parse "<name>" at pos (after \k or (?); returns its index in names, or
 * -1 after reporting an error. */
/* ---- terms ------------------------------------------------------------------ */

static void parse_disjunction(rx *t);

/* Group after '(' was seen at pos. Returns whether a quantifier may follow. */
static bool parse_group(rx *t)
{
    size_t open = t->pos;
    if (++t->depth > NZ_RX_MAX_NESTING) {
        nz_rx_fail(t, open, "groups nested deeper than %d", NZ_RX_MAX_NESTING);
        return false;
    }
    bool quantifiable = true;
    bool saved_i = t->flag_i, saved_m = t->flag_m, saved_s = t->flag_s;
    t->pos++;
    if (peek(t) != '?') {
        nz_rx_put(t, "(");
    } else {
        int c1 = peek_at(t, 1), c2 = peek_at(t, 2);
        if (c1 == ':') {
            t->pos += 2;
            nz_rx_put(t, "(?:");
        } else if (c1 == '=' || c1 == '!') {
            t->pos += 2;
            nz_rx_put(t, c1 == '=' ? "(?=" : "(?!");
            quantifiable = false;
        } else if (c1 == '<' && (c2 == '=' || c2 == '!')) {
            t->pos += 3;
            nz_rx_put(t, c2 == '=' ? "(?<=" : "(?<!");
            quantifiable = false;
        } else if (c1 == '<') {
            t->pos += 1;
            long idx = nz_rx_group_name(t, true);
            if (idx < 0)
                return false;
            char tmp[32];
            snprintf(tmp, sizeof tmp, "(?<n%ld>", idx);
            nz_rx_put(t, tmp);
        } else if (c1 == 'P' || c1 == '#' || c1 == '>' || c1 == '|' ||
                   c1 == 'R' || c1 == '&' || c1 == '(' || c1 == '\'' ||
                   is_digit(c1) || c1 == '+' || c1 == '*') {
            nz_rx_fail(t, open, "%s is not ECMA-262 syntax",
                    c1 == 'P'  ? "Python-style (?P...) group"
                    : c1 == '#' ? "a (?#...) comment"
                    : c1 == '>' ? "an atomic group (?>...)"
                    : c1 == '|' ? "a branch-reset group (?|...)"
                    : c1 == '(' ? "a conditional group (?(...)...)"
                    : c1 == '\'' ? "a (?'name'...) group"
                                 : "a recursion or subroutine call (?R) (?1) (?&name)");
            return false;
        } else {
            /* ES2025 modifiers (?ims-ims:...); a bare (?i) is not ECMA. */
            size_t i = 1; /* peek_at(t, 0) is the '?' */
            bool add[3] = {false, false, false}, del[3] = {false, false, false};
            bool minus = false, bad = false;
            int seen = 0;
            for (;; i++) {
                int c = peek_at(t, i);
                int k = c == 'i' ? 0 : c == 'm' ? 1 : c == 's' ? 2 : -1;
                if (c == '-' && !minus) {
                    minus = true;
                    continue;
                }
                if (k < 0)
                    break;
                if (add[k] || del[k])
                    bad = true;
                (minus ? del : add)[k] = true;
                seen++;
            }
            int end = peek_at(t, i);
            if (end == ')' && i > 1) {
                nz_rx_fail(t, open, "inline flags (?%.*s) are not ECMA-262; only "
                        "modifier groups (?i:...) are", (int)(i - 1),
                        (const char *)t->p + t->pos + 1);
                return false;
            }
            if (end != ':' || bad || seen == 0) {
                nz_rx_fail(t, open, "invalid group: '(?' followed by %s",
                        end < 0 ? "end of pattern" : "an unknown character");
                return false;
            }
            t->pos += i + 1;
            if (add[0] || del[0]) {
                t->flag_i = add[0];
                nz_rx_put(t, add[0] ? "(?i:" : "(?-i:");
            } else {
                nz_rx_put(t, "(?:");
            }
            if (add[1] || del[1])
                t->flag_m = add[1];
            if (add[2] || del[2])
                t->flag_s = add[2];
        }
    }
    parse_disjunction(t);
    t->flag_i = saved_i;
    t->flag_m = saved_m;
    t->flag_s = saved_s;
    if (t->rc)
        return false;
    if (peek(t) != ')') {
        nz_rx_fail(t, open, "unterminated group (missing ')')");
        return false;
    }
    t->pos++;
    nz_rx_put(t, ")");
    t->depth--;
    return quantifiable;
}

/* Escape outside a class (pos on the backslash). */
static bool parse_atom_escape(rx *t)
{
    size_t at = t->pos;
    t->pos++;
    int c = peek(t);
    switch (c) {
    case 'b': t->pos++; nz_rx_put(t, "\\b"); return false;
    case 'B': t->pos++; nz_rx_put(t, "\\B"); return false;
    case 'd': t->pos++; nz_rx_put(t, "[0-9]"); return true;
    case 'D': t->pos++; nz_rx_put(t, "[^0-9]"); return true;
    case 'w': t->pos++; nz_rx_put(t, "[A-Za-z0-9_]"); return true;
    case 'W': t->pos++; nz_rx_put(t, "[^A-Za-z0-9_]"); return true;
    case 's': t->pos++; nz_rx_put(t, "[" NZ_RX_SPACE_SET "]"); return true;
    case 'S': t->pos++; nz_rx_put(t, "[^" NZ_RX_SPACE_SET "]"); return true;
    case 'p':
    case 'P':
        t->pos++;
        nz_rx_property(t, at, c == 'P');
        return true;
    case 'k': {
        t->pos++;
        long idx = nz_rx_group_name(t, false);
        if (idx >= 0) {
            char tmp[32];
            snprintf(tmp, sizeof tmp, "(?:\\k<n%ld>)", idx);
            nz_rx_put(t, tmp);
        }
        return true;
    }
    default:
        break;
    }
    if (c >= '1' && c <= '9') {
        uint64_t num = 0;
        while (is_digit(peek(t))) {
            num = num > 100000 ? num : num * 10 + (uint64_t)(peek(t) - '0');
            t->pos++;
        }
        if (num > t->ncaps) {
            nz_rx_fail(t, at, "\\%llu refers to group %llu but the pattern has %u",
                    (unsigned long long)num, (unsigned long long)num, t->ncaps);
            return false;
        }
        char tmp[32];
        snprintf(tmp, sizeof tmp, "(?:\\g{%llu})", (unsigned long long)num);
        nz_rx_put(t, tmp);
        return true;
    }
    uint32_t cp = nz_rx_char_escape(t, at, false);
    if (t->rc)
        return false;
    if (cp == CP_LONE_SURROGATE)
        nz_rx_put(t, "(?!)"); /* UTF-8 text never holds one: never matches */
    else
        nz_rx_put_cp(t, cp);
    return true;
}

static void parse_quantifier(rx *t)
{
    int c = peek(t);
    if (c == '*' || c == '+' || c == '?') {
        char q[2] = {(char)c, 0};
        t->pos++;
        nz_rx_put(t, q);
    } else {
        uint64_t a, b;
        size_t l;
        braced_quantifier(t, &a, &b, &l);
        if (b < a) {
            nz_rx_fail(t, t->pos, "numbers out of order in {} quantifier");
            return;
        }
        nz_rx_put_mem(t, (const char *)t->p + t->pos, l);
        t->pos += l;
    }
    if (peek(t) == '?') {
        t->pos++;
        nz_rx_put(t, "?");
    }
    if (peek(t) == '+') {
        nz_rx_fail(t, t->pos, "possessive quantifiers (x*+, x++) are not ECMA-262");
        return;
    }
    if (quantifier_starts(t))
        nz_rx_fail(t, t->pos, "nothing to repeat (quantifier after a quantifier)");
}

static void parse_term(rx *t)
{
    int c = peek(t);
    size_t at = t->pos;
    bool quantifiable = true;
    switch (c) {
    case '^':
        t->pos++;
        nz_rx_put(t, t->flag_m ? "(?:^|(?<=[" NZ_RX_LINE_TERM_SET "]))" : "^");
        quantifiable = false;
        break;
    case '$':
        t->pos++;
        nz_rx_put(t, t->flag_m ? "(?=[" NZ_RX_LINE_TERM_SET "]|\\z)" : "\\z");
        quantifiable = false;
        break;
    case '(':
        quantifiable = parse_group(t);
        break;
    case '[':
        nz_rx_class(t);
        break;
    case '.':
        t->pos++;
        nz_rx_put(t, t->flag_s ? "(?s:.)" : "[^" NZ_RX_LINE_TERM_SET "]");
        break;
    case '*':
    case '+':
    case '?':
        nz_rx_fail(t, at, "nothing to repeat before '%c'", c);
        return;
    case '{': {
        uint64_t a, b;
        size_t l;
        if (braced_quantifier(t, &a, &b, &l)) {
            nz_rx_fail(t, at, "nothing to repeat before '{'");
            return;
        }
        nz_rx_lenient(t, at, "'{' that starts no quantifier, read as '{'");
        t->pos++;
        nz_rx_put_cp(t, '{'); /* Annex B: a '{' that is no quantifier is literal */
        break;
    }
    case '\\':
        quantifiable = parse_atom_escape(t);
        break;
    default:
        if (c == ']' || c == '}')
            nz_rx_lenient(t, at, "lone '%c', read as '%c'", c, c);
        nz_rx_put_cp(t, next_cp(t)); /* includes a lone ']' or '}' (Annex B) */
        break;
    }
    if (t->rc)
        return;
    if (quantifier_starts(t)) {
        if (!quantifiable) {
            nz_rx_fail(t, t->pos, "nothing to repeat (an assertion cannot be quantified)");
            return;
        }
        parse_quantifier(t);
    }
}

static void parse_disjunction(rx *t)
{
    for (;;) {
        while (!t->rc && !at_end(t) && peek(t) != '|' && peek(t) != ')')
            parse_term(t);
        if (t->rc || at_end(t) || peek(t) != '|')
            return;
        t->pos++;
        nz_rx_put(t, "|");
    }
}

int nz_regex_translate(const char *pattern, size_t len, char **out,
                       size_t *out_len, char *err, size_t err_size,
                       char *warn, size_t warn_size)
{
    if (!out || !out_len || (!pattern && len))
        return NZ_EINVAL;
    *out = NULL;
    *out_len = 0;
    if (err && err_size)
        err[0] = '\0';
    if (warn && warn_size)
        warn[0] = '\0';
    rx t;
    memset(&t, 0, sizeof t);
    t.p = (const unsigned char *)(pattern ? pattern : "");
    t.n = len;
    t.err = err;
    t.err_size = err_size;
    t.warn = warn;
    t.warn_size = warn_size;
    size_t bad = nz_utf8_first_invalid(t.p, t.n);
    if (bad < t.n) {
        nz_rx_fail(&t, bad, "invalid UTF-8");
        return t.rc;
    }
    prescan(&t);
    nz_rx_put(&t, ""); /* an empty pattern still yields a string */
    while (!t.rc) {
        parse_disjunction(&t);
        if (t.rc || at_end(&t))
            break;
        nz_rx_fail(&t, t.pos, "unmatched ')'");
    }
    nz_free(t.names);
    if (t.rc) {
        nz_free(t.out.data);
        return t.rc;
    }
    *out = t.out.data;
    *out_len = t.out.len;
    return 0;
}

