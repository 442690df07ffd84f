/* The DOCTYPE's position in the prolog (see xml_prolog.h). */
#include "read/xml_prolog.h"

#include <string.h>

enum {
    IN_SPACE,   /* between markup                                  */
    IN_OPEN,    /* after '<': collecting mark[] to tell what it is */
    IN_COMMENT, /* <!-- ... -->                                    */
    IN_PI,      /* <? ... ?> (the XML declaration too)             */
};

static const char doctype[] = "!DOCTYPE";
static const char comment[] = "!--";

void nz_xml_prolog_init(nz_xml_prolog *p)
{
    memset(p, 0, sizeof *p);
    p->state = IN_SPACE;
    p->line = 1;
    p->col = 1;
}

/* Does mark[0..len) still start one of the two openers we care for, or a
 * processing instruction? */
static bool could_be(const nz_xml_prolog *p)
{
    int n = p->mark_len;
    if (p->mark[0] == '?')
        return true;
    if (n <= (int)sizeof comment - 1 && memcmp(p->mark, comment, (size_t)n) == 0)
        return true;
    return n <= (int)sizeof doctype - 1 &&
           memcmp(p->mark, doctype, (size_t)n) == 0;
}

static void step(nz_xml_prolog *p, unsigned char c)
{
    switch (p->state) {
    case IN_SPACE:
        if (c == '<') {
            p->lt.line = p->line;
            p->lt.column = p->col;
            p->lt.offset = p->offset;
            p->mark_len = 0;
            p->state = IN_OPEN;
        } else if (!(c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
                     (p->offset < 3 && c >= 0x80))) {
            p->done = true; /* not a prolog: libxml2 will say why */
        }
        return;
    case IN_OPEN:
        p->mark[p->mark_len++] = (char)c;
        if (!could_be(p)) {
            p->done = true; /* the document element: no DOCTYPE */
        } else if (p->mark[0] == '?') {
            p->state = IN_PI;
            p->tail = 0;
        } else if (p->mark_len == (int)sizeof comment - 1 &&
                   memcmp(p->mark, comment, sizeof comment - 1) == 0) {
            p->state = IN_COMMENT;
            p->tail = 0;
        } else if (p->mark_len == (int)sizeof doctype - 1) {
            p->doctype = p->lt;
            p->found = true;
            p->done = true;
        }
        return;
    case IN_COMMENT:
        /* the last three bytes, to see "-->" */
        p->tail = ((p->tail << 8) | c) & 0xFFFFFFu;
        if (p->tail == (('-' << 16) | ('-' << 8) | '>'))
            p->state = IN_SPACE;
        return;
    case IN_PI:
        p->tail = ((p->tail << 8) | c) & 0xFFFFu;
        if (p->tail == (('?' << 8) | '>'))
            p->state = IN_SPACE;
        return;
    default:
        return;
    }
}

void nz_xml_prolog_feed(nz_xml_prolog *p, const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n && !p->done; i++) {
        unsigned char c = b[i];
        step(p, c);
        /* Position of the next byte: columns count characters, and a
         * leading byte-order mark is not one. */
        if (c == '\n') {
            p->line++;
            p->col = 1;
        } else if ((c & 0xC0) != 0x80 && !(p->offset == 0 && c == 0xEF)) {
            p->col++;
        }
        p->offset++;
    }
}
