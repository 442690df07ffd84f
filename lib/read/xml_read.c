/* The XML reader (NZ_FORMAT_XML): libxml2's streaming text reader, fed
 * from the nz_input window through read callbacks, walked node by node.
 *
 * Records: with xml.record_path every element at that path is a record
 * (its content; the name is implied by the path), built from the reader's
 * nodes as they pass, so only the current record is ever held; without it
 * the document element is the one record, {"name": content}. The mapping
 * itself is xml_map.c's; this file drives libxml2 and keeps it safe:
 *
 *   - XML_PARSE_NONET, and never NOENT, DTDLOAD, DTDATTR or DTDVALID: no
 *     DTD is loaded and libxml2 substitutes no entity. Internal entities
 *     are expanded here from their parsed content, under a byte budget
 *     (xml.max_entity_expansion) per record; an external entity is an
 *     NZ_EREFUSED error and is never opened.
 *   - libxml2's own limits stay on (no XML_PARSE_HUGE): entity loops and
 *     amplification (billion laughs) end the parse, which we report as
 *     NZ_EEXPANSION; nesting stops at 256 levels even if max_depth allows
 *     more; text nodes are capped at 10 MB.
 *   - libxml2 never prints: errors reach a per-reader structured handler,
 *     and the thread's generic handlers are redirected while libxml2 runs.
 *
 * Positions: the text reader parses ahead of the node it returns and keeps
 * no column per node, so xml_scan.c, fed the same bytes, notes where each
 * start tag and text run begins; elements and text get exact line, column
 * and offset from it (attributes get their element's). Only with
 * NZ_READ_KEEP_POSITIONS does it note every node as it goes; otherwise a
 * node is described by an nz_xml_where (its element ordinal) and placed
 * only when a diagnostic asks, by replaying the scanner over the record's
 * kept bytes (xml_scan.h, "lazy placement"): the same positions for a
 * fraction of the cost. Where the scanner cannot help (UTF-16 input, nodes
 * from entity expansion) a node has libxml2's line and column 0, "not
 * known". Syntax errors carry libxml2's line and column.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <libxml/entities.h>
#include <libxml/hash.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

#include "core/alloc.h"
#include "core/diag_set.h"
#include "normalize/error.h"
#include "read/reader_impl.h"
#include "read/xml_map.h"
#include "read/xml_path.h"
#include "read/xml_prolog.h"
#include "read/xml_scan.h"

/* Default budget for text produced by expanding internal entities, per
 * record. */
#define DEFAULT_MAX_ENTITY_EXPANSION ((size_t)1 << 20)
/* Entities referring to entities: deeper chains are refused. */
#define MAX_ENTITY_NESTING 16
/* libxml2's nesting limit without XML_PARSE_HUGE. */
#define LIBXML2_MAX_DEPTH 256

#define PARSE_OPTIONS                                                     \
    (XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_COMPACT |            \
     XML_PARSE_NOXINCNODE)

typedef struct xml_state {
    nz_reader *r;
    xmlTextReaderPtr xr;
    nz_xml_names names;
    nz_xml_path record;      /* record path (count 0: whole document)  */
    nz_xml_path *arrays;
    size_t array_count;
    nz_xml_map map;
    nz_xml_scan scan;        /* eager positions (NZ_READ_KEEP_POSITIONS) */
    nz_xml_lazy lazy;        /* ... or placed on demand (the default)  */
    nz_xml_prolog prolog;    /* where the DOCTYPE begins               */
    bool lazy_on;
    nz_xml_where cur;        /* the current node                       */
    uint64_t elements;       /* element nodes so far (ordinal of the last) */
    uint64_t texts_after;    /* text runs since that element's start    */
    uint64_t refs_after;     /* entity references since then            */
    uint64_t record_ordinal; /* of the current record's element         */
    bool strip_ns;
    size_t max_entity;
    size_t entity_used;      /* in the current record                  */
    size_t max_names;        /* distinct names in libxml2's dictionary */
    /* Where reading stands. */
    bool in_record;
    bool in_prolog;          /* no element seen yet                    */
    bool saw_content;        /* a byte other than space or a BOM       */
    uint64_t fed;            /* bytes handed to libxml2                */
    bool done;               /* end of document reached                */
    bool failed;             /* an error ended the input               */
    bool skipping;           /* discarding the rest of a failed record */
    size_t record_depth;     /* names depth of the record element      */
    long record_start;       /* bytes consumed when the record began   */
    /* The first fatal libxml2 error (a later one with the same code
     * replaces it: libxml2 reports entity loops from the inside out). */
    bool have_error;
    int err_code;
    int err_domain;
    long err_line;
    long err_col;
    char err_text[300];
    char generic_text[300];  /* from the generic handler, if any       */
    bool have_soft;          /* the first non-fatal libxml2 error      */
    int soft_code;
    long soft_line;
    long soft_col;
    char soft_text[300];
    int io_error;            /* NZ_EIO / NZ_ENOMEM from the input      */
    /* The record last returned, for nz_reader_locate(). */
    json_t *shadow;
} xml_state;

/* ---- input: libxml2 pulls bytes from the nz_input window ------------ */

static int io_read(void *ctx, char *buf, int len)
{
    xml_state *s = ctx;
    nz_input *in = &s->r->in;
    /* Before the document element, hand libxml2 full blocks: its push
     * parser (2.9.14) can fail on a DOCTYPE internal subset whose comment
     * or processing instruction is split between two pushes. Nothing can
     * be a record yet, so waiting for a full block delays nothing. */
    size_t want = s->in_prolog ? (size_t)len : 1;
    while (in->len < want && !in->eof) {
        long got = nz_input_more(in);
        if (got < 0) {
            s->io_error = (int)got;
            return -1;
        }
    }
    size_t n = in->len < (size_t)len ? in->len : (size_t)len;
    memcpy(buf, in->data, n);
    for (size_t i = 0; i < n && !s->saw_content; i++) {
        unsigned char c = (unsigned char)buf[i];
        bool bom = s->fed + i < 3 && (c == 0xEF || c == 0xBB || c == 0xBF);
        s->saw_content = !(c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
                           bom);
    }
    s->fed += n;
    if (!s->prolog.done)
        nz_xml_prolog_feed(&s->prolog, (const unsigned char *)buf, n);
    nz_input_consume(in, n);
    if (s->lazy_on)
        nz_xml_lazy_feed(&s->lazy, (const unsigned char *)buf, n,
                         s->in_record ? s->record_ordinal : s->elements);
    else
        nz_xml_scan_feed(&s->scan, (const unsigned char *)buf, n);
    return (int)n;
}

static int io_close(void *ctx)
{
    (void)ctx; /* the descriptor or stream is the caller's */
    return 0;
}

/* ---- libxml2's errors ------------------------------------------------ */

static void copy_message(char *dst, size_t size, const char *msg)
{
    nz_copy_clipped(dst, size, msg ? msg : "");
    size_t n = strlen(dst);
    while (n > 0 && (dst[n - 1] == '\n' || dst[n - 1] == ' '))
        dst[--n] = '\0';
}

static void on_structured_error(void *ctx, xmlErrorPtr e)
{
    xml_state *s = ctx;
    if (!e || e->level == XML_ERR_WARNING)
        return;
    if (e->level != XML_ERR_FATAL) {
        /* Usually recoverable (an undeclared namespace prefix), but some
         * stop the parse (a text node over 10 MB): kept in case it does. */
        if (!s->have_soft) {
            s->have_soft = true;
            s->soft_code = e->code;
            s->soft_line = e->line;
            s->soft_col = e->int2;
            copy_message(s->soft_text, sizeof s->soft_text, e->message);
        }
        return;
    }
    if (s->have_error && e->code != s->err_code)
        return;
    s->have_error = true;
    s->err_code = e->code;
    s->err_domain = e->domain;
    s->err_line = e->line;
    s->err_col = e->int2;
    copy_message(s->err_text, sizeof s->err_text, e->message);
}

/* Messages libxml2 sends to the generic handler (no parser context). */
static void on_generic_error(void *ctx, const char *fmt, ...)
{
    xml_state *s = ctx;
    if (s->generic_text[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    char text[sizeof s->generic_text];
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    copy_message(s->generic_text, sizeof s->generic_text, text);
}

/* While libxml2 runs for us, the thread's global handlers point at us, so
 * nothing reaches stderr; the caller's handlers are put back after. */
typedef struct handlers {
    xmlGenericErrorFunc generic;
    void *generic_ctx;
    xmlStructuredErrorFunc structured;
    void *structured_ctx;
} handlers;

static void handlers_take(handlers *saved, xml_state *s)
{
    saved->generic = xmlGenericError;
    saved->generic_ctx = xmlGenericErrorContext;
    saved->structured = xmlStructuredError;
    saved->structured_ctx = xmlStructuredErrorContext;
    xmlSetGenericErrorFunc(s, on_generic_error);
    xmlSetStructuredErrorFunc(s, on_structured_error);
}

static void handlers_restore(const handlers *saved)
{
    xmlSetGenericErrorFunc(saved->generic_ctx, saved->generic);
    xmlSetStructuredErrorFunc(saved->structured_ctx, saved->structured);
}

/* ---- diagnostics ------------------------------------------------------ */

/* The current node's line as libxml2 keeps it (one per node), without a
 * column: for when the scanner cannot place the node. */
static nz_position libxml2_line(const xml_state *s)
{
    nz_position p = {0, 0, 0};
    xmlNodePtr node = xmlTextReaderCurrentNode(s->xr);
    long line = node ? xmlGetLineNo(node) : -1;
    if (line <= 0)
        line = xmlTextReaderGetParserLineNumber(s->xr);
    p.line = line > 0 ? (uint64_t)line : 0;
    return p;
}

/* Where a node is: exact when the scanner placed it (eagerly, or now by
 * replaying the kept bytes), else its fallback line without a column. */
static nz_position place(const xml_state *s, const nz_xml_where *w)
{
    if (w->known)
        return w->pos;
    nz_position p = w->pos;
    if (s->lazy_on && w->kind >= 0 &&
        nz_xml_lazy_place(&s->lazy, w->kind, w->ordinal, w->seq, w->qname,
                          &p))
        return p;
    if (w == &s->cur && s->xr)
        return libxml2_line(s);
    p = w->pos;
    p.column = 0;
    return p;
}

static nz_position place_cb(void *ctx, const nz_xml_where *w)
{
    return place(ctx, w);
}

static nz_position node_position(const xml_state *s)
{
    return place(s, &s->cur);
}

/* The current node becomes one the lazy scanner can place later. */
static void cur_lazy(xml_state *s, int kind, uint64_t seq, const char *qname)
{
    s->cur.known = false;
    s->cur.kind = kind;
    s->cur.ordinal = s->elements;
    s->cur.seq = seq;
    s->cur.qname = qname;
    s->cur.pos.line = 0;
    s->cur.pos.column = 0;
    s->cur.pos.offset = 0;
}

/* The current node, placed by the eager scanner (known) or not: then its
 * libxml2 line is all there is, taken now while it is current. */
static void cur_eager(xml_state *s, bool known, const nz_position *pos)
{
    s->cur.kind = -1;
    s->cur.known = known;
    s->cur.pos = known ? *pos : libxml2_line(s);
}

/* The current node's where for the map, which copies it into frames:
 * with the line filled in when that is all placing will give. */
static const nz_xml_where *node_where(xml_state *s)
{
    if (!s->cur.known && s->cur.kind >= 0 && s->lazy.off)
        s->cur.pos = libxml2_line(s);
    return &s->cur;
}

static int fail_node(xml_state *s, nz_diag *diag, int code, const char *fmt,
                     ...) NZ_PRINTF(4, 5);

static int fail_node(xml_state *s, nz_diag *diag, int code, const char *fmt,
                     ...)
{
    char text[NZ_DIAG_TEXT_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    nz_position p = node_position(s);
    return nz_diag_set(diag, code, s->r->source, &p, "%s", text);
}

/* Did the scanner see the whole input and no start tag in it? */
static bool saw_no_tag(const xml_state *s)
{
    if (s->lazy_on)
        return !s->lazy.off && s->lazy.scan.tags_seen == 0;
    return !s->scan.off && s->scan.tags_seen == 0;
}

/* What libxml2 said when xmlTextReaderRead() failed, as a diagnostic. */
static int parse_failure(xml_state *s, nz_diag *diag)
{
    const char *source = s->r->source;
    if (s->io_error == NZ_ENOMEM)
        return nz_diag_set(diag, NZ_ENOMEM, source, NULL,
                           "out of memory while reading input");
    if (s->io_error)
        return nz_diag_set(diag, NZ_EIO, source, NULL, "cannot read: %s",
                           strerror(s->r->in.read_errno));
    if (!s->have_error && s->have_soft) {
        s->have_error = true; /* it was what stopped the parse */
        s->err_code = s->soft_code;
        s->err_line = s->soft_line;
        s->err_col = s->soft_col;
        memcpy(s->err_text, s->soft_text, sizeof s->err_text);
    }
    if (!s->have_error) {
        nz_position p = node_position(s);
        return nz_diag_set(diag, NZ_ESYNTAX, source, &p, "invalid XML: %s",
                           s->generic_text[0] ? s->generic_text
                                              : "the parser stopped");
    }
    nz_position p = {(uint64_t)(s->err_line > 0 ? s->err_line : 0),
                     (uint64_t)(s->err_col > 0 ? s->err_col : 0), 0};
    int code = NZ_ESYNTAX;
    const char *what = "invalid XML";
    if (s->err_code == XML_ERR_ENTITY_LOOP) {
        code = NZ_EEXPANSION;
        what = "entity expansion refused (an entity loop or a billion-"
               "laughs style amplification)";
    } else if (strstr(s->err_text, "huge") != NULL ||
               strstr(s->err_text, "Huge") != NULL) {
        /* libxml2 files "huge text node" under XML_ERR_NO_MEMORY. */
        code = NZ_ETOOBIG;
        what = "a text node or name larger than libxml2's limit (10 MB)";
    } else if (s->err_code == XML_ERR_NO_MEMORY) {
        code = NZ_ENOMEM;
        what = "out of memory";
    } else if (strstr(s->err_text, "Excessive depth") != NULL) {
        code = NZ_EDEPTH;
        what = "nesting deeper than libxml2's limit of 256 levels";
    } else if (strstr(s->err_text, "not proper UTF-8") != NULL ||
               s->err_code == XML_ERR_INVALID_ENCODING) {
        code = NZ_EUTF8;
        what = "invalid UTF-8";
    } else if (s->err_code == XML_ERR_DOCUMENT_EMPTY ||
               (s->err_code == XML_ERR_DOCUMENT_END && saw_no_tag(s))) {
        /* libxml2's push parser says "Extra content" for a document
         * that never starts its element (the scanner saw no start tag). */
        if (s->err_code == XML_ERR_DOCUMENT_END)
            return nz_diag_set(diag, code, source, &p,
                               "no document element: the input ends "
                               "before any element starts");
        return nz_diag_set(diag, code, source, &p,
                           "empty input: expected an XML document");
    }
    return nz_diag_set(diag, code, source, &p, "%s: %s", what, s->err_text);
}

/* ---- building records from reader nodes ----------------------------- */

static int check_depth(xml_state *s, nz_diag *diag)
{
    size_t limit = s->r->opts.max_depth;
    if (s->names.depth + 1 > limit)
        return fail_node(s, diag, NZ_EDEPTH,
                         "nesting deeper than the limit of %zu levels "
                         "(max-depth)",
                         limit);
    return NZ_OK;
}

/* libxml2 interns every element and attribute name, prefix and namespace
 * URI of the stream in one dictionary that lives until the stream ends,
 * and in 2.9 its hash table stops growing at a few thousand buckets: with
 * names that never repeat (<n1/>, <n2/>, ...), each lookup walks a longer
 * chain, time grows with the square of the names (82 MB took 200 s), and
 * at 10 MB of names libxml2 gives up with a bare "Memory allocation
 * failed". A stream of records normally draws on a small vocabulary, so a
 * count of distinct names, checked as each element starts, bounds both
 * with a clear message. */
static int check_names(xml_state *s, nz_diag *diag)
{
    const xmlNode *node = xmlTextReaderCurrentNode(s->xr);
    if (!node || !node->doc || !node->doc->dict)
        return NZ_OK;
    int names = xmlDictSize(node->doc->dict);
    if (names < 0 || (size_t)names <= s->max_names)
        return NZ_OK;
    return fail_node(s, diag, NZ_ETOOBIG,
                     "more than %zu distinct element and attribute names "
                     "in one stream (xml-max-names): libxml2 keeps every "
                     "name until the stream ends",
                     s->max_names);
}

static int check_size(xml_state *s, nz_diag *diag)
{
    size_t limit = s->r->opts.max_record_bytes;
    /* libxml2 has consumed at most what it was fed: while that is within
     * the limit, so is the record, and libxml2 need not be asked. */
    if (s->record_start >= 0 && s->fed >= (uint64_t)s->record_start &&
        s->fed - (uint64_t)s->record_start <= limit)
        return NZ_OK;
    long now = xmlTextReaderByteConsumed(s->xr);
    if (now > s->record_start && (size_t)(now - s->record_start) > limit)
        return fail_node(s, diag, NZ_ETOOBIG,
                         "record larger than the limit of %zu bytes "
                         "(max-record-size)%s",
                         limit,
                         s->record.count ? ""
                                         : "; read a large document record by "
                                           "record with an XML record path");
    return NZ_OK;
}

static int spend_entity_budget(xml_state *s, size_t bytes, nz_diag *diag)
{
    if (bytes > s->max_entity - s->entity_used) {
        s->entity_used = s->max_entity;
        return fail_node(s, diag, NZ_EEXPANSION,
                         "entity expansion over the budget of %zu bytes per "
                         "record (max-entity-expansion)",
                         s->max_entity);
    }
    s->entity_used += bytes;
    return NZ_OK;
}

/* The name an element or attribute gets: as written ("ns:tag"), or its
 * local part when prefixes are stripped. */
static const char *element_name(const xml_state *s)
{
    const xmlChar *n = s->strip_ns ? xmlTextReaderConstLocalName(s->xr)
                                   : xmlTextReaderConstName(s->xr);
    return n ? (const char *)n : "";
}

static int element_attributes(xml_state *s, nz_diag *diag)
{
    if (xmlTextReaderHasAttributes(s->xr) != 1)
        return NZ_OK;
    const nz_xml_where *p = node_where(s);
    int rc = NZ_OK;
    while (rc == NZ_OK && xmlTextReaderMoveToNextAttribute(s->xr) == 1) {
        if (s->strip_ns && xmlTextReaderIsNamespaceDecl(s->xr) == 1)
            continue; /* declarations mean nothing once prefixes go */
        const xmlChar *v = xmlTextReaderConstValue(s->xr);
        rc = nz_xml_map_attr(&s->map, element_name(s),
                             v ? (const char *)v : "", p, diag);
    }
    xmlTextReaderMoveToElement(s->xr);
    return rc;
}

static int expand_entity(xml_state *s, xmlEntityPtr ent, const char *name,
                         int level, nz_diag *diag);

/* Walk the parsed content of an internal entity as if it stood in the
 * document: elements, text, and references to further entities. */
static int expand_nodes(xml_state *s, xmlNodePtr n, int level,
                        nz_diag *diag)
{
    for (; n; n = n->next) {
        int rc = NZ_OK;
        switch (n->type) {
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE: {
            size_t len = n->content ? strlen((const char *)n->content) : 0;
            rc = spend_entity_budget(s, len, diag);
            if (rc == NZ_OK && len > 0) {
                const nz_xml_where *p = node_where(s);
                rc = nz_xml_map_text(&s->map, (const char *)n->content, len,
                                     p, diag);
            }
            break;
        }
        case XML_ENTITY_REF_NODE:
            rc = expand_entity(s, (xmlEntityPtr)n->children,
                               (const char *)n->name, level + 1, diag);
            break;
        case XML_ELEMENT_NODE: {
            const xmlChar *prefix = !s->strip_ns && n->ns ? n->ns->prefix
                                                          : NULL;
            xmlChar *qname = xmlBuildQName(n->name, prefix, NULL, 0);
            if (!qname)
                return nz_diag_set(diag, NZ_ENOMEM, s->r->source, NULL,
                                   "out of memory");
            rc = spend_entity_budget(s, strlen((const char *)qname) + 2,
                                     diag);
            if (rc == NZ_OK)
                rc = check_depth(s, diag);
            if (rc == NZ_OK &&
                nz_xml_names_push(&s->names, (const char *)qname) != NZ_OK)
                rc = nz_diag_set(diag, NZ_ENOMEM, s->r->source, NULL,
                                 "out of memory");
            if (qname != n->name)
                xmlFree(qname);
            if (rc != NZ_OK)
                return rc;
            const nz_xml_where *p = node_where(s);
            rc = nz_xml_map_start(&s->map, p, diag);
            for (xmlNsPtr ns = n->nsDef; rc == NZ_OK && ns && !s->strip_ns;
                 ns = ns->next) {
                xmlChar *built =
                    ns->prefix ? xmlBuildQName(ns->prefix,
                                               (const xmlChar *)"xmlns",
                                               NULL, 0)
                               : NULL;
                if (ns->prefix && !built)
                    return nz_diag_set(diag, NZ_ENOMEM, s->r->source, NULL,
                                       "out of memory");
                rc = nz_xml_map_attr(&s->map,
                                     built ? (const char *)built : "xmlns",
                                     ns->href ? (const char *)ns->href : "",
                                     p, diag);
                xmlFree(built);
            }
            for (xmlAttrPtr a = n->properties; rc == NZ_OK && a; a = a->next) {
                const xmlChar *aprefix =
                    !s->strip_ns && a->ns ? a->ns->prefix : NULL;
                xmlChar *aname = xmlBuildQName(a->name, aprefix, NULL, 0);
                xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
                if (!aname) {
                    xmlFree(v);
                    return nz_diag_set(diag, NZ_ENOMEM, s->r->source, NULL,
                                       "out of memory");
                }
                size_t vlen = v ? strlen((const char *)v) : 0;
                rc = spend_entity_budget(s, vlen, diag);
                if (rc == NZ_OK)
                    rc = nz_xml_map_attr(&s->map, (const char *)aname,
                                         v ? (const char *)v : "", p, diag);
                if (aname != a->name)
                    xmlFree(aname);
                xmlFree(v);
            }
            if (rc == NZ_OK)
                rc = expand_nodes(s, n->children, level, diag);
            if (rc == NZ_OK)
                rc = nz_xml_map_end(&s->map, diag);
            nz_xml_names_pop(&s->names);
            if (rc > 0)
                rc = NZ_OK; /* never the record element: it is above */
            break;
        }
        default:
            break; /* comments and processing instructions are dropped */
        }
        if (rc != NZ_OK)
            return rc;
    }
    return NZ_OK;
}

static int expand_entity(xml_state *s, xmlEntityPtr ent, const char *name,
                         int level, nz_diag *diag)
{
    if (!ent)
        return fail_node(s, diag, NZ_ESYNTAX,
                         "entity '&%s;' is not defined (an external DTD is "
                         "never loaded)",
                         name);
    if (ent->etype != XML_INTERNAL_GENERAL_ENTITY)
        return fail_node(s, diag, NZ_EREFUSED,
                         "external entity '&%s;' (%s) is not loaded: "
                         "external entities are never read",
                         name,
                         ent->URI         ? (const char *)ent->URI
                         : ent->SystemID ? (const char *)ent->SystemID
                                          : "no system identifier");
    if (level > MAX_ENTITY_NESTING)
        return fail_node(s, diag, NZ_EEXPANSION,
                         "entities nested more than %d levels deep",
                         MAX_ENTITY_NESTING);
    if (ent->children)
        return expand_nodes(s, ent->children, level, diag);
    /* Not parsed by libxml2 (never referenced before): plain text only. */
    const char *text = ent->content ? (const char *)ent->content : "";
    if (strpbrk(text, "<&"))
        return fail_node(s, diag, NZ_ESYNTAX,
                         "entity '&%s;' could not be expanded", name);
    size_t len = strlen(text);
    int rc = spend_entity_budget(s, len, diag);
    if (rc == NZ_OK && len > 0) {
        const nz_xml_where *p = node_where(s);
        rc = nz_xml_map_text(&s->map, text, len, p, diag);
    }
    return rc;
}

/* An element starts. Returns 1 when it is an empty record element (the
 * record is complete), 0 to go on, or an NZ_E* code. *empty says whether
 * the element has no end node to wait for. */
static int element_start(xml_state *s, bool *empty, nz_diag *diag)
{
    *empty = xmlTextReaderIsEmptyElement(s->xr) == 1;
    const xmlChar *qname = xmlTextReaderConstName(s->xr);
    const char *q = qname ? (const char *)qname : "";
    s->elements++;
    s->texts_after = 0;
    s->refs_after = 0;
    if (s->lazy_on) {
        cur_lazy(s, NZ_XML_NODE_ELEMENT, 0, q);
    } else {
        nz_position at;
        bool known = nz_xml_scan_element(&s->scan, q, &at);
        cur_eager(s, known, &at);
    }
    int rc = check_depth(s, diag);
    if (rc == NZ_OK)
        rc = check_names(s, diag);
    if (rc != NZ_OK)
        return rc;
    const char *name = s->strip_ns || !qname ? element_name(s)
                                             : (const char *)qname;
    if (nz_xml_names_push(&s->names, name) != NZ_OK)
        return nz_diag_set(diag, NZ_ENOMEM, s->r->source, NULL,
                           "out of memory");
    const nz_xml_where *p = node_where(s);
    if (s->in_record) {
        rc = check_size(s, diag);
        if (rc == NZ_OK)
            rc = nz_xml_map_start(&s->map, p, diag);
    } else {
        bool starts = s->record.count ? nz_xml_path_matches(&s->record,
                                                            &s->names)
                                      : s->names.depth == 1;
        if (!starts) {
            if (*empty)
                nz_xml_names_pop(&s->names);
            return 0;
        }
        s->in_record = true;
        s->record_ordinal = s->elements;
        s->record_depth = s->names.depth;
        s->record_start = xmlTextReaderByteConsumed(s->xr);
        s->entity_used = 0;
        rc = nz_xml_map_begin(&s->map, p, diag);
    }
    if (rc == NZ_OK)
        rc = element_attributes(s, diag);
    if (rc == NZ_OK && *empty) {
        rc = nz_xml_map_end(&s->map, diag);
        nz_xml_names_pop(&s->names);
    }
    return rc;
}

static int element_end(xml_state *s, nz_diag *diag)
{
    if (!s->in_record) {
        nz_xml_names_pop(&s->names);
        return 0;
    }
    int rc = s->names.depth == s->record_depth ? check_size(s, diag) : NZ_OK;
    if (rc == NZ_OK)
        rc = nz_xml_map_end(&s->map, diag);
    nz_xml_names_pop(&s->names);
    return rc;
}

static bool has_non_space(const char *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (t[i] != ' ' && t[i] != '\t' && t[i] != '\n' && t[i] != '\r')
            return true;
    return false;
}

static int text_node(xml_state *s, nz_diag *diag)
{
    if (!s->in_record)
        return 0;
    const xmlChar *v = xmlTextReaderConstValue(s->xr);
    if (!v)
        return 0;
    size_t len = strlen((const char *)v);
    if (has_non_space((const char *)v, len)) {
        if (s->lazy_on) {
            cur_lazy(s, NZ_XML_NODE_TEXT, s->texts_after++, NULL);
        } else {
            nz_position at;
            bool known = nz_xml_scan_text(&s->scan, &at);
            cur_eager(s, known, &at);
        }
    } else if (!s->lazy_on) {
        cur_eager(s, false, NULL); /* blank: libxml2's line, as always */
    }
    /* Sizes are checked where elements start and where the record ends;
     * here only for long text, which could otherwise pass a small limit
     * by far before either. */
    if (len > 4096) {
        int rc = check_size(s, diag);
        if (rc != NZ_OK)
            return rc;
    }
    const nz_xml_where *p = node_where(s);
    return nz_xml_map_text(&s->map, (const char *)v, len, p, diag);
}

static int entity_reference(xml_state *s, nz_diag *diag)
{
    if (!s->in_record)
        return 0; /* outside every record its content is never used */
    if (s->lazy_on) {
        cur_lazy(s, NZ_XML_NODE_REF, s->refs_after++, NULL);
    } else {
        nz_position at;
        bool known = nz_xml_scan_ref(&s->scan, &at);
        cur_eager(s, known, &at);
    }
    xmlNodePtr node = xmlTextReaderCurrentNode(s->xr);
    const xmlChar *name = xmlTextReaderConstName(s->xr);
    return expand_entity(s, node ? (xmlEntityPtr)node->children : NULL,
                         name ? (const char *)name : "?", 1, diag);
}

/* An external parameter entity of the internal subset, for
 * doctype_node(): the first one found and how many there are. */
typedef struct pe_scan {
    const xmlEntity *first;
    size_t count;
} pe_scan;

static void find_external_pe(void *payload, void *data, const xmlChar *name)
{
    (void)name;
    const xmlEntity *e = payload;
    pe_scan *scan = data;
    if (e && e->etype == XML_EXTERNAL_PARAMETER_ENTITY) {
        if (!scan->first)
            scan->first = e;
        scan->count++;
    }
}

/* <!DOCTYPE ...>: nothing external is ever loaded (no network, no file).
 * Say so when the document asks for it, an external DTD or an external
 * parameter entity (the XXE form that needs no entity in the content):
 * what they would have declared (entities, default attributes) is
 * missing from the result. A lossy step: a warning, an error under
 * NZ_READ_STRICT. */
static int doctype_node(xml_state *s, nz_diag *diag)
{
    const xmlNode *n = xmlTextReaderCurrentNode(s->xr);
    if (!n || n->type != XML_DTD_NODE)
        return 0;
    const xmlDtd *dtd = (const xmlDtd *)n;
    nz_position at = {0};
    if (s->prolog.found)
        at = s->prolog.doctype;
    if (dtd->SystemID) {
        int rc = nz_reader_lossy(s->r, diag, &at, NULL,
                                 "external DTD '%s' is not loaded (nothing "
                                 "is fetched): what it declares is missing",
                                 (const char *)dtd->SystemID);
        if (rc < 0)
            return rc;
    }
    pe_scan scan = {NULL, 0};
    if (dtd->pentities)
        xmlHashScan(dtd->pentities, find_external_pe, &scan);
    if (scan.first) {
        const xmlChar *uri = scan.first->SystemID ? scan.first->SystemID
                                                  : scan.first->URI;
        return nz_reader_lossy(s->r, diag, &at, NULL,
                               "external parameter entity '%%%s;' (%s) is "
                               "not loaded%s: what it declares is missing",
                               (const char *)scan.first->name,
                               uri ? (const char *)uri : "?",
                               scan.count > 1 ? ", nor the others" : "");
    }
    return 0;
}

/* One record is finished: hand it out. */
static int emit(xml_state *s, json_t **out)
{
    *out = s->map.result;
    s->map.result = NULL;
    json_decref(s->shadow);
    s->shadow = s->map.result_shadow;
    s->map.result_shadow = NULL;
    s->in_record = false;
    return 1;
}

/* An error that is not libxml2's inside a record: with a record path the
 * rest of that record is skipped and the next call goes on after it; a
 * whole-document record ends the input. */
static int record_failed(xml_state *s, int rc, bool record_closed)
{
    nz_xml_map_reset(&s->map);
    if (!s->in_record || !s->record.count) {
        s->failed = true;
        return rc;
    }
    s->in_record = false;
    while (s->names.depth >= s->record_depth)
        nz_xml_names_pop(&s->names);
    s->skipping = !record_closed;
    return rc;
}

static int read_record(xml_state *s, json_t **out, nz_diag *diag)
{
    for (;;) {
        int got = xmlTextReaderRead(s->xr);
        if (got == 0) {
            s->done = true;
            return 0;
        }
        if (got < 0 && !s->saw_content && !s->io_error) {
            /* Empty or blank input holds no records, as for JSON. */
            s->done = true;
            return 0;
        }
        if (got < 0) {
            s->failed = true;
            nz_xml_map_reset(&s->map);
            return parse_failure(s, diag);
        }
        /* xmlTextReaderNodeType() scans every text node to tell text
         * from whitespace (and walks up for xml:space on blank ones);
         * the mapping treats all three alike, so text is told from the
         * node itself. */
        xmlNodePtr node = xmlTextReaderCurrentNode(s->xr);
        int type = node && node->type == XML_TEXT_NODE
                       ? XML_READER_TYPE_TEXT
                       : xmlTextReaderNodeType(s->xr);
        s->cur.known = false;
        s->cur.kind = -1; /* placed by libxml2's line unless set below */
        if (s->skipping) {
            if (type == XML_READER_TYPE_ELEMENT) { /* keep the scanner in step */
                s->elements++;
                if (!s->lazy_on) {
                    const xmlChar *q = xmlTextReaderConstName(s->xr);
                    nz_position at;
                    nz_xml_scan_element(&s->scan, q ? (const char *)q : "",
                                        &at);
                }
            }
            /* Depth of the reader counts from 0 at the document element. */
            if (type == XML_READER_TYPE_END_ELEMENT &&
                (size_t)xmlTextReaderDepth(s->xr) + 1 == s->record_depth)
                s->skipping = false;
            continue;
        }
        int rc = 0;
        bool empty = false;
        switch (type) {
        case XML_READER_TYPE_ELEMENT:
            s->in_prolog = false;
            rc = element_start(s, &empty, diag);
            break;
        case XML_READER_TYPE_END_ELEMENT:
            rc = element_end(s, diag);
            break;
        case XML_READER_TYPE_TEXT:
        case XML_READER_TYPE_CDATA:
        case XML_READER_TYPE_WHITESPACE:
        case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
            rc = text_node(s, diag);
            break;
        case XML_READER_TYPE_ENTITY_REFERENCE:
            rc = entity_reference(s, diag);
            break;
        case XML_READER_TYPE_DOCUMENT_TYPE:
            rc = doctype_node(s, diag);
            break;
        default:
            break; /* declarations, comments, processing instructions */
        }
        if (rc == 1)
            return emit(s, out);
        if (rc < 0) {
            /* Did the failing node close the record element itself? */
            bool at_record = (size_t)xmlTextReaderDepth(s->xr) + 1 ==
                             s->record_depth;
            bool closed = at_record &&
                          (type == XML_READER_TYPE_END_ELEMENT ||
                           (type == XML_READER_TYPE_ELEMENT && empty));
            return record_failed(s, rc, closed);
        }
    }
}

/* ---- the reader operations ------------------------------------------- */

#define KNOWN_XML_FLAGS (NZ_XML_STRIP_NAMESPACES)

static int bad_path(nz_reader *r, nz_diag *diag, int rc, const char *what,
                    const char *path, const char *why)
{
    if (rc == NZ_ENOMEM)
        return nz_diag_set(diag, NZ_ENOMEM, r->source, NULL, "out of memory");
    return nz_diag_set(diag, NZ_EINVAL, r->source, NULL,
                       "invalid XML %s '%s': %s", what, path ? path : "(null)",
                       why);
}

static int xml_open(nz_reader *r, nz_diag *diag)
{
    const nz_xml_read_options *xo = &r->opts.xml;
    if (xo->flags & ~(unsigned)KNOWN_XML_FLAGS)
        return nz_diag_set(diag, NZ_EINVAL, r->source, NULL,
                           "unknown XML reader flags 0x%x",
                           xo->flags & ~(unsigned)KNOWN_XML_FLAGS);
    if (xo->array_path_count && !xo->array_paths)
        return nz_diag_set(diag, NZ_EINVAL, r->source, NULL,
                           "array_path_count is %zu but array_paths is NULL",
                           xo->array_path_count);
    xml_state *s = nz_zalloc(sizeof *s);
    if (!s)
        return nz_diag_set(diag, NZ_ENOMEM, r->source, NULL, "out of memory");
    r->state = s;
    s->r = r;
    s->strip_ns = (xo->flags & NZ_XML_STRIP_NAMESPACES) != 0;
    s->max_entity = xo->max_entity_expansion ? xo->max_entity_expansion
                                             : DEFAULT_MAX_ENTITY_EXPANSION;
    s->max_names = xo->max_names ? xo->max_names : NZ_XML_DEFAULT_MAX_NAMES;
    const char *why;
    int rc;
    if (xo->record_path) {
        rc = nz_xml_path_parse(&s->record, xo->record_path, &why);
        if (rc != NZ_OK)
            return bad_path(r, diag, rc, "record path", xo->record_path, why);
    }
    if (xo->array_path_count) {
        s->arrays = nz_zalloc(xo->array_path_count * sizeof *s->arrays);
        if (!s->arrays)
            return nz_diag_set(diag, NZ_ENOMEM, r->source, NULL,
                               "out of memory");
        for (size_t i = 0; i < xo->array_path_count; i++) {
            rc = nz_xml_path_parse(&s->arrays[i], xo->array_paths[i], &why);
            if (rc != NZ_OK)
                return bad_path(r, diag, rc, "array path", xo->array_paths[i],
                                why);
            s->array_count = i + 1;
        }
    }
    s->map.r = r;
    s->map.names = &s->names;
    s->map.arrays = s->arrays;
    s->map.array_count = s->array_count;
    s->map.keep_positions = (r->opts.flags & NZ_READ_KEEP_POSITIONS) != 0;
    s->map.wrap = s->record.count == 0;
    s->map.place = place_cb;
    s->map.place_ctx = s;
    /* Positions on every node only when asked for; otherwise nodes are
     * placed when a diagnostic needs them (xml_scan.h, lazy placement). */
    s->lazy_on = !s->map.keep_positions;
    nz_xml_scan_init(&s->scan);
    nz_xml_prolog_init(&s->prolog);
    s->scan.want_text = true;
    if (s->lazy_on)
        s->scan.off = true;
    nz_xml_lazy_init(&s->lazy);
    if (!s->lazy_on)
        nz_xml_lazy_free(&s->lazy);
    s->in_prolog = true;

    xmlInitParser();
    handlers saved;
    handlers_take(&saved, s);
    s->xr = xmlReaderForIO(io_read, io_close, s, NULL, NULL, PARSE_OPTIONS);
    if (s->xr)
        xmlTextReaderSetStructuredErrorHandler(s->xr, on_structured_error, s);
    handlers_restore(&saved);
    if (!s->xr) {
        if (s->io_error && s->io_error != NZ_ENOMEM)
            return nz_diag_set(diag, NZ_EIO, r->source, NULL,
                               "cannot read: %s", strerror(r->in.read_errno));
        return nz_diag_set(diag, NZ_ENOMEM, r->source, NULL,
                           "out of memory starting the XML parser");
    }
    return NZ_OK;
}

static int xml_next(nz_reader *r, json_t **out, nz_diag *diag)
{
    xml_state *s = r->state;
    json_decref(s->shadow);
    s->shadow = NULL;
    if (s->failed)
        return nz_diag_set(diag, NZ_ESTATE, r->source, NULL,
                           "reading stopped at an earlier error");
    if (s->done)
        return 0;
    handlers saved;
    handlers_take(&saved, s);
    int rc = read_record(s, out, diag);
    handlers_restore(&saved);
    return rc;
}

static int xml_locate(const nz_reader *r, const char *pointer,
                      nz_position *out)
{
    const xml_state *s = r->state;
    if (!s->shadow)
        return NZ_ENOTFOUND;
    return nz_xml_shadow_locate(s->shadow, pointer, out);
}

static void xml_close(nz_reader *r)
{
    xml_state *s = r->state;
    if (!s)
        return;
    if (s->xr) {
        handlers saved;
        handlers_take(&saved, s);
        xmlFreeTextReader(s->xr);
        handlers_restore(&saved);
    }
    nz_xml_map_free(&s->map);
    nz_xml_scan_free(&s->scan);
    nz_xml_lazy_free(&s->lazy);
    json_decref(s->shadow);
    nz_xml_names_free(&s->names);
    nz_xml_path_free(&s->record);
    for (size_t i = 0; i < s->array_count; i++)
        nz_xml_path_free(&s->arrays[i]);
    nz_free(s->arrays);
    nz_free(s);
    r->state = NULL;
}

const nz_reader_ops nz_xml_reader_ops = {
    xml_open,
    xml_next,
    xml_locate,
    xml_close,
};
