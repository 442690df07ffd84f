/* Exact source positions for the XML reader.
 *
 * libxml2's text reader parses ahead of the node it returns and keeps no
 * column per node, so the reader cannot ask it where a node began. This
 * scanner sees the same bytes as libxml2 (the read callback feeds both)
 * and notes, in document order, where each start tag and each run of
 * character data begins. The reader takes the notes off in the same order
 * as libxml2's nodes arrive: the n-th element node is the n-th start tag.
 *
 * It is a tokenizer only for what positions need (tags, quotes, comments,
 * CDATA, processing instructions, the DOCTYPE's internal subset); libxml2
 * remains the parser. Each start tag's note carries a hash of its name;
 * should an element node ever not match, the scanner gives up and the
 * reader falls back to lines without columns, never to wrong positions.
 */
#ifndef NZ_READ_XML_SCAN_H
#define NZ_READ_XML_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "normalize/diag.h"

typedef struct nz_xml_note {
    nz_position pos;
    uint64_t tag;  /* start tags before it (text) / its name's hash (tag) */
} nz_xml_note;

typedef struct nz_xml_notes {
    nz_xml_note *items;
    size_t head, count, cap; /* a ring; cap a power of two */
} nz_xml_notes;

typedef struct nz_xml_scan {
    bool off;            /* gave up (or UTF-16 input): no columns     */
    bool bom;            /* the input starts with a UTF-8 BOM         */
    bool bom_broken;     /* ... or does not                           */
    bool want_text;      /* note text runs too (set before feeding)   */
    bool count_only;     /* follow the state and count tags only: no
                            notes, no positions but the chunk's end   */
    int state;
    char quote;          /* the quote that closes the current literal */
    uint64_t window;     /* the last 8 bytes, for multi-byte markers  */
    int bang_len;        /* bytes seen after "<!"                     */
    int subset_depth;    /* '[' nesting inside <!DOCTYPE              */
    uint32_t hash;       /* of the start tag name being read          */
    bool run_has_text;   /* the current text run has a non-space byte */
    char ref[8];         /* the entity reference being read           */
    int ref_len;
    bool cdata_text;     /* the CDATA section has a non-space byte    */
    nz_position lt_pos;  /* of the '<' of the tag being read          */
    nz_position amp_pos; /* of the '&' of the reference being read    */
    nz_position cdata_pos; /* of the CDATA section's first non-space  */
    uint64_t line, col;  /* counted so far (col: characters before)   */
    uint64_t offset;     /* of the first byte of the current chunk    */
    uint64_t tags_seen;  /* start tags scanned                        */
    uint64_t tags_taken; /* element nodes matched                     */
    nz_xml_notes tags;   /* start tags not yet matched                */
    nz_xml_notes texts;  /* text runs not yet matched                 */
    nz_xml_notes refs;   /* entity references (&name;) in content     */
} nz_xml_scan;

void nz_xml_scan_init(nz_xml_scan *s);
void nz_xml_scan_free(nz_xml_scan *s);

/* Scan the next n bytes of the input. Returns 0, or NZ_ENOMEM (the
 * scanner then turns itself off; reading goes on without columns). */
int nz_xml_scan_feed(nz_xml_scan *s, const unsigned char *p, size_t n);

/* Hash of an element name, as the scanner computes it from the source. */
uint32_t nz_xml_scan_hash(const char *name);

/* The element node named qname (as written) has arrived: where its start
 * tag began. false when not known (scanner off, or out of step). */
bool nz_xml_scan_element(nz_xml_scan *s, const char *qname,
                         nz_position *out);

/* A text or CDATA node with non-space content has arrived: where its
 * first non-space character is. false when not known, or when text runs
 * are not noted (want_text false: they cost a note each, and only
 * NZ_READ_KEEP_POSITIONS asks where text is). */
bool nz_xml_scan_text(nz_xml_scan *s, nz_position *out);

/* An entity reference node has arrived: where its '&' is. */
bool nz_xml_scan_ref(nz_xml_scan *s, nz_position *out);

/* ---- lazy placement ------------------------------------------------
 *
 * Noting every tag costs about as much as libxml2's own tokenizing, and
 * positions are needed only for diagnostics unless NZ_READ_KEEP_POSITIONS
 * is set. So by default the reader runs the scanner in count_only mode
 * (it jumps from '<' to '>' with memchr, keeping only its state, the tag
 * count and the line/column at each chunk's end), keeps the input bytes
 * from a checkpoint (a copy of that state) before the oldest node that may
 * still be asked about, and places a node on demand by replaying the full
 * scanner from the checkpoint: the same notes, so the same positions, as
 * if it had run all along. The bytes kept are the current record's (as
 * the JSON reader keeps its record in the window) plus a few chunks.
 */

enum { NZ_XML_NODE_ELEMENT, NZ_XML_NODE_TEXT, NZ_XML_NODE_REF };

typedef struct nz_xml_lazy {
    nz_xml_scan scan;    /* count_only, fed every byte               */
    nz_xml_scan *marks;  /* checkpoints, oldest first                */
    size_t mark_count, mark_cap;
    unsigned char *bytes; /* the input from marks[0].offset on       */
    size_t len, cap;
    bool off;            /* out of memory: nodes are not placed      */
} nz_xml_lazy;

void nz_xml_lazy_init(nz_xml_lazy *l);
void nz_xml_lazy_free(nz_xml_lazy *l);

/* The next n bytes of the input. keep_from: the smallest element ordinal
 * (1 = the document element) that may still be placed, or whose text may
 * be. Out of memory turns placement off; reading goes on. */
void nz_xml_lazy_feed(nz_xml_lazy *l, const unsigned char *p, size_t n,
                      uint64_t keep_from);

/* Where a node is. ELEMENT: the ordinal-th element (qname as written, to
 * check). TEXT / REF: the (seq+1)-th text run / entity reference after
 * the ordinal-th element's start tag and before the next one, counting
 * only runs with a non-space character. false when not known. */
bool nz_xml_lazy_place(const nz_xml_lazy *l, int kind, uint64_t ordinal,
                       uint64_t seq, const char *qname, nz_position *out);

#endif
