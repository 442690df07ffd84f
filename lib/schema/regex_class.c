/* ECMA-262 character classes -> PCRE2 classes. */
#include <string.h>

#include "core/alloc.h"
#include "schema/regex_parse.h"

/* ---- character classes ---------------------------------------------------- */

typedef enum { CA_CHAR, CA_SET, CA_NOT_SPACE, CA_NONE } ca_kind;

typedef struct class_atom {
    ca_kind kind;
    uint32_t cp;   /* CA_CHAR; CP_LONE_SURROGATE for a lone surrogate */
    size_t at;
} class_atom;

/* Emit into the class body buffer (t->out is swapped to it by the caller). */
static class_atom parse_class_atom(rx *t)
{
    class_atom a = {CA_CHAR, 0, t->pos};
    if (peek(t) != '\\') {
        a.cp = next_cp(t);
        return a;
    }
    t->pos++;
    int c = peek(t);
    switch (c) {
    case 'd': t->pos++; a.kind = CA_SET; nz_rx_put(t, "0-9"); return a;
    case 'D': t->pos++; a.kind = CA_SET; nz_rx_put(t, "\\D"); return a;
    case 'w': t->pos++; a.kind = CA_SET; nz_rx_put(t, "A-Za-z0-9_"); return a;
    case 'W': t->pos++; a.kind = CA_SET; nz_rx_put(t, "\\W"); return a;
    case 's': t->pos++; a.kind = CA_SET; nz_rx_put(t, NZ_RX_SPACE_SET); return a;
    case 'S': t->pos++; a.kind = CA_NOT_SPACE; return a;
    case 'p':
    case 'P':
        t->pos++;
        a.kind = CA_SET;
        nz_rx_property(t, a.at, c == 'P');
        return a;
    case 'b': t->pos++; a.cp = 0x08; return a;
    case '-': t->pos++; a.cp = '-'; return a;
    case 'B':
        nz_rx_fail(t, a.at, "\\B is not allowed in a character class");
        return a;
    case 'k':
        nz_rx_fail(t, a.at, "\\k is not allowed in a character class");
        return a;
    default:
        if (c >= '1' && c <= '9') {
            nz_rx_fail(t, a.at, "backreference \\%c is not allowed in a character class", c);
            return a;
        }
        a.cp = nz_rx_char_escape(t, a.at, true);
        return a;
    }
}

static void emit_class_char(rx *t, uint32_t cp)
{
    if (cp != CP_LONE_SURROGATE)
        nz_rx_put_cp(t, cp);
}

void nz_rx_class(rx *t)
{
    size_t open = t->pos;
    t->pos++; /* '[' */
    bool negated = false;
    if (peek(t) == '^') {
        negated = true;
        t->pos++;
    }
    rx_buf outer = t->out;
    t->out = (rx_buf){NULL, 0, 0};
    bool not_space = false;
    while (!t->rc && !at_end(t) && peek(t) != ']') {
        class_atom a = parse_class_atom(t);
        if (t->rc)
            break;
        bool range = peek(t) == '-' && peek_at(t, 1) != ']' && peek_at(t, 1) >= 0;
        if (range) {
            t->pos++;
            class_atom b = parse_class_atom(t);
            if (t->rc)
                break;
            if (a.kind == CA_CHAR && b.kind == CA_CHAR) {
                if (a.cp == CP_LONE_SURROGATE || b.cp == CP_LONE_SURROGATE) {
                    nz_rx_fail(t, a.at, "a range with a lone surrogate is not supported");
                    break;
                }
                if (a.cp > b.cp) {
                    nz_rx_fail(t, a.at, "range out of order in character class");
                    break;
                }
                nz_rx_put_cp(t, a.cp);
                nz_rx_put(t, "-");
                nz_rx_put_cp(t, b.cp);
            } else {
                /* [\w-.]: Annex B reads the '-' as itself. */
                nz_rx_lenient(t, a.at, "'-' next to a class escape in a class, read as '-'");
                if (a.kind == CA_CHAR)
                    emit_class_char(t, a.cp);
                not_space |= a.kind == CA_NOT_SPACE;
                nz_rx_put_cp(t, '-');
                if (b.kind == CA_CHAR)
                    emit_class_char(t, b.cp);
                not_space |= b.kind == CA_NOT_SPACE;
            }
        } else {
            if (a.kind == CA_CHAR)
                emit_class_char(t, a.cp);
            not_space |= a.kind == CA_NOT_SPACE;
        }
    }
    rx_buf body = t->out;
    t->out = outer;
    if (!t->rc && at_end(t))
        nz_rx_fail(t, open, "unterminated character class (missing ']')");
    if (t->rc) {
        nz_free(body.data);
        return;
    }
    t->pos++; /* ']' */
    bool empty = body.len == 0;
    const char *b = empty ? "" : body.data;
    if (not_space) {
        /* PCRE2 has no class for "not ECMA whitespace" that can sit inside
         * another class, so [..\S..] becomes an alternation. */
        if (!negated) {
            nz_rx_put(t, "(?:[^" NZ_RX_SPACE_SET "]");
            if (!empty) {
                nz_rx_put(t, "|[");
                nz_rx_put(t, b);
                nz_rx_put(t, "]");
            }
            nz_rx_put(t, ")");
        } else {
            nz_rx_put(t, "(?:");
            if (!empty) {
                nz_rx_put(t, "(?![");
                nz_rx_put(t, b);
                nz_rx_put(t, "])");
            }
            nz_rx_put(t, "[" NZ_RX_SPACE_SET "])");
        }
    } else if (empty) {
        nz_rx_put(t, negated ? "(?s:.)" : "(?!)");
    } else {
        nz_rx_put(t, negated ? "[^" : "[");
        nz_rx_put(t, b);
        nz_rx_put(t, "]");
    }
    nz_free(body.data);
}

