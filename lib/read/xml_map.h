/* Building one record's jansson tree from XML events, the way xmltodict
 * maps XML to JSON:
 *
 *   element           -> object; its key in the parent is its name
 *   attribute a="v"   -> "@a": "v"
 *   text              -> "#text" when the element has attributes or child
 *                        elements, else the element's value is the text
 *                        (leading and trailing whitespace stripped;
 *                        whitespace-only text is no text)
 *   repeated siblings -> an array under their name
 *   empty element     -> null
 *
 * The reader (xml_read.c) turns libxml2's reader nodes into calls of these
 * functions; only the open elements of the current record have state, so
 * memory is bounded by the largest record. Where the mapping loses
 * information (mixed content, siblings interleaved with others, attributes
 * that collide once namespace prefixes are stripped) it says so through
 * nz_reader_lossy(): a warning, or NZ_ELOSSY under NZ_READ_STRICT.
 */
#ifndef NZ_READ_XML_MAP_H
#define NZ_READ_XML_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "read/reader_impl.h"
#include "read/xml_path.h"

typedef struct nz_xml_frame nz_xml_frame;

/* Where a node is: its position when already known, else what the reader
 * needs to place it later (only diagnostics ask, so placing is lazy). */
typedef struct nz_xml_where {
    nz_position pos;     /* valid when known; else pos.line may be a
                            fallback line (column 0: "not known")     */
    bool known;
    int kind;            /* NZ_XML_NODE_* (xml_scan.h), or -1: none   */
    uint64_t ordinal;    /* element ordinal (1 = document element)    */
    uint64_t seq;        /* text / reference number after it          */
    const char *qname;   /* element name as written (libxml2's dict)  */
} nz_xml_where;

/* Turns a where into a position (the reader's). */
typedef nz_position (*nz_xml_place_fn)(void *ctx, const nz_xml_where *w);

typedef struct nz_xml_map {
    nz_reader *r;               /* for warnings (borrowed)                */
    const nz_xml_names *names;  /* open elements, document element first  */
    const nz_xml_path *arrays;  /* paths that are always arrays           */
    size_t array_count;
    bool keep_positions;        /* build the shadow tree of positions     */
    nz_xml_place_fn place;      /* for diagnostics                        */
    void *place_ctx;
    bool wrap;                  /* record = {"name": value} (whole doc)   */
    size_t base;                /* names index of the record element      */
    nz_xml_frame *frames;       /* one per open element of the record     */
    size_t depth, cap;          /* frames in use, allocated (kept)        */
    json_t *result;             /* the finished record                    */
    json_t *result_shadow;      /* its positions, with keep_positions     */
} nz_xml_map;

/* Start a record at the element names[names->depth - 1] (already pushed),
 * found at pos (known when keep_positions is set). */
int nz_xml_map_begin(nz_xml_map *m, const nz_xml_where *pos, nz_diag *diag);

/* A child element names[names->depth - 1] (already pushed) opens. */
int nz_xml_map_start(nz_xml_map *m, const nz_xml_where *pos, nz_diag *diag);

/* An attribute of the element that opened last (name without "@"). */
int nz_xml_map_attr(nz_xml_map *m, const char *name, const char *value,
                    const nz_xml_where *pos, nz_diag *diag);

/* Character data (text, CDATA, expanded entities) of the open element. */
int nz_xml_map_text(nz_xml_map *m, const char *text, size_t len,
                    const nz_xml_where *pos, nz_diag *diag);

/* The open element closes (call before popping its name). Returns 1 when
 * it was the record element: the record is in m->result; 0 otherwise; or
 * a negative NZ_E* code. */
int nz_xml_map_end(nz_xml_map *m, nz_diag *diag);

/* Drop a half-built record (after an error) and any finished one. */
void nz_xml_map_reset(nz_xml_map *m);

/* Free everything, buffers kept between records included. */
void nz_xml_map_free(nz_xml_map *m);

/* Position of the node at JSON Pointer `pointer` of a shadow tree built
 * with keep_positions. NZ_OK, NZ_ENOTFOUND or NZ_EINVAL. */
int nz_xml_shadow_locate(const json_t *shadow, const char *pointer,
                         nz_position *out);

#endif
