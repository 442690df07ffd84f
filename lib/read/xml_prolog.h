/* Where the DOCTYPE declaration begins, for the XML reader's warnings
 * about what it does not load (an external DTD, external parameter
 * entities).
 *
 * libxml2's text reader parses ahead and keeps no position for the DTD
 * node, and the position scanners (xml_scan.h) note start tags and text,
 * not declarations. Before the DOCTYPE only the XML declaration, comments,
 * processing instructions and white space may stand, so this small state
 * machine over the first bytes is enough: it stops at the DOCTYPE or at
 * anything else (the document element: there is no DOCTYPE).
 */
#ifndef NZ_READ_XML_PROLOG_H
#define NZ_READ_XML_PROLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "normalize/diag.h"

typedef struct nz_xml_prolog {
    int state;
    char mark[8];         /* bytes after '<', to tell what it opens */
    int mark_len;
    unsigned tail;        /* last bytes of a comment or PI, to find its end */
    nz_position lt;       /* of the '<' being looked at                */
    nz_position doctype;  /* of "<!DOCTYPE", when found                */
    bool found;
    bool done;            /* found, or past where a DOCTYPE can be      */
    uint64_t line, col;   /* of the next byte (col: characters, 1-based) */
    uint64_t offset;
} nz_xml_prolog;

void nz_xml_prolog_init(nz_xml_prolog *p);

/* Look at the next n bytes of the input (all of them, in order, from the
 * first). Cheap once done. */
void nz_xml_prolog_feed(nz_xml_prolog *p, const unsigned char *b, size_t n);

#endif
