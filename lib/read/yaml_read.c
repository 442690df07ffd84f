/* The YAML reader: libyaml's event parser, one document per record.
 *
 * Bytes go from the reader's input window to libyaml through a read
 * handler (yaml_feed.h) and are dropped from the window at once, so
 * memory holds libyaml's buffers (tens of KiB), the window and the record
 * being built: bounded by the largest document, never by the stream.
 *
 * Choices where YAML and JSON disagree (all documented in README.md):
 * - Plain scalars are typed by the YAML 1.2 core schema, or YAML 1.1 with
 *   NZ_YAML_1_1 (yaml_scalar.h). Quoted and block scalars are strings.
 * - Tags: !!str !!int !!float !!bool !!null !!map !!seq are honoured (a
 *   value that does not fit its tag is an error); the non-specific "!"
 *   makes a scalar a string; !!merge is accepted on "<<". Any other tag
 *   (!!binary, !!timestamp, !Ref, ...) is dropped with a warning (an
 *   NZ_ELOSSY error with NZ_READ_STRICT) and the node is typed as if
 *   untagged.
 * - .inf, -.inf and .nan have no JSON number: they are kept as the string
 *   written, with a warning (NZ_ELOSSY error with NZ_READ_STRICT).
 * - Mapping keys are the key's text as written ("1", "true", "~"); a
 *   key that is a mapping or a sequence is an error.
 * - Aliases are expanded into copies, charged to a budget: nodes produced
 *   <= alias_factor * max(nodes parsed, NZ_YAML_MIN_BUDGET_NODES).
 * - Merge keys (<<) insert the members of a mapping, or of a sequence of
 *   mappings (earlier ones win), at the place of "<<"; keys written in
 *   the mapping itself win over merged ones, wherever they stand.
 * - Errors in the content of a document (duplicate key, unknown alias,
 *   budget, ...) skip that document: the next call reads the next one.
 *   Syntax errors end the stream: later calls return NZ_ESTATE.
 * - Offsets in positions count characters (libyaml's index), which is
 *   the byte offset for ASCII input.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <yaml.h>

#include "core/alloc.h"
#include "core/diag_set.h"
#include "core/json_copy.h"
#include "core/utf8.h"
#include "normalize/error.h"
#include "read/reader_impl.h"
#include "read/yaml_alias.h"
#include "read/yaml_feed.h"
#include "read/yaml_pos.h"
#include "read/yaml_scalar.h"

#define DEFAULT_ALIAS_FACTOR 10
/* The budget never drops below this many nodes, so a small document may
 * use its anchors freely; a billion laughs still stops within
 * milliseconds. */
#define NZ_YAML_MIN_BUDGET_NODES 1000

#define TAG_PREFIX "tag:yaml.org,2002:"

/* One open mapping or sequence. */
typedef struct frame {
    json_t *node;
    bool is_map;
    bool have_key;       /* maps: a key waits for its value          */
    bool merge_key;      /* ... and it is the merge key "<<"          */
    size_t key_off;      /* the waiting key, in the key text stack    */
    size_t key_len;
    nz_position key_pos;
    size_t keys_start;   /* this map's entries in the key stack       */
    char *anchor;        /* to define when the node ends (owned)      */
    nz_position pos;
    size_t produced_at_start;
    size_t height;       /* of the tallest child so far, +1 = own      */
} frame;

/* A key of an open map, for duplicate reports and merge bookkeeping. */
typedef struct key_entry {
    uint64_t slot;
    nz_position pos;
    bool merged;
} key_entry;

typedef struct yaml_state {
    yaml_parser_t parser;
    bool parser_ready;
    bool yaml11;
    bool merge;
    bool keep_positions;
    size_t alias_factor;

    nz_yaml_feed feed;    /* libyaml's input, from the reader's window */
    yaml_mark_t last_end; /* where the last event libyaml gave ended    */

    /* Stream state. */
    bool failed;          /* a syntax error: nothing more to read      */
    bool done;            /* stream end seen                           */
    bool skipping;        /* discard the rest of a failed document     */
    bool in_document;
    /* A final error met after the current document's root was complete
     * (libyaml reads ahead before it ends a document): the document is
     * returned first, the error by the next call. */
    int deferred_code;
    nz_diag deferred;

    /* The document being built. */
    frame *stack;
    size_t depth;
    size_t stack_cap;
    key_entry *keys;
    size_t key_count;
    size_t key_cap;
    /* Text of the waiting keys of the open maps, one after the other:
     * keys wait in last-in first-out order, so one buffer serves all,
     * without an allocation per key. */
    char *key_text;
    size_t key_text_len;
    size_t key_text_cap;
    json_t *root;
    nz_position doc_pos;
    size_t parsed;
    size_t produced;
    nz_anchor_table anchors;

    /* The record last returned. */
    json_t *record;       /* borrowed reference for locate             */
    nz_position record_pos;
    nz_pos_table positions;
} yaml_state;

/* ---- positions ------------------------------------------------------ */

static nz_position from_mark(yaml_mark_t m)
{
    nz_position p = {(uint64_t)m.line + 1, (uint64_t)m.column + 1,
                     (uint64_t)m.index};
    return p;
}

static int fail(nz_reader *r, nz_diag *diag, int code, const nz_position *p,
                const char *fmt, ...) NZ_PRINTF(5, 6);

static int fail(nz_reader *r, nz_diag *diag, int code, const nz_position *p,
                const char *fmt, ...)
{
    char text[NZ_DIAG_TEXT_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return nz_diag_set(diag, code, r->source, p, "%s", text);
}

/* A key or scalar as it may appear in a message: at most 60 bytes, cut
 * at a character, control characters as '?'. */
static void show(char *dst, size_t size, const char *s, size_t n)
{
    size_t o = 0, i = 0, max = n > 60 ? 60 : n;
    while (i < max && o + 8 < size) {
        uint32_t cp;
        size_t len = nz_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (len == 0 || i + len > max)
            break;
        if (cp < 0x20 || cp == 0x7F) {
            dst[o++] = '?';
        } else {
            memcpy(dst + o, s + i, len);
            o += len;
        }
        i += len;
    }
    if (i < n) {
        memcpy(dst + o, "...", 3);
        o += 3;
    }
    dst[o] = '\0';
}

/* Turn libyaml's failure into a diagnostic. */
static int parser_error(nz_reader *r, yaml_state *s, nz_diag *diag)
{
    yaml_parser_t *p = &s->parser;
    s->failed = true;
    if (s->feed.input_error == NZ_ENOMEM || p->error == YAML_MEMORY_ERROR)
        return nz_diag_set(diag, NZ_ENOMEM, r->source, NULL,
                           "out of memory while reading YAML");
    if (s->feed.input_error)
        return nz_diag_set(diag, NZ_EIO, r->source, NULL, "cannot read: %s",
                           strerror(r->in.read_errno));
    if (s->feed.too_big) {
        /* At the document when it has begun and is unfinished, else
         * where the text that passed the limit starts: after the last
         * event (libyaml's own mark has moved to the end of that text). */
        bool root_done = s->in_document && s->depth == 0 && s->root;
        nz_position at = s->in_document && !root_done
                             ? s->doc_pos
                             : from_mark(s->last_end);
        return fail(r, diag, NZ_ETOOBIG, &at,
                    "YAML document larger than the limit of %zu bytes "
                    "(max-record-size)",
                    r->opts.max_record_bytes);
    }
    const char *problem = p->problem ? p->problem : "unknown error";
    if (p->error == YAML_READER_ERROR) {
        nz_position pos = nz_yaml_reader_error_position(p);
        if (strstr(problem, "control characters")) {
            if (p->problem_value == 0)
                return fail(r, diag, NZ_ENUL, &pos,
                            "NUL byte (0x00) in input");
            return fail(r, diag, NZ_ESYNTAX, &pos,
                        "invalid YAML: character U+%04X is not allowed in "
                        "YAML text",
                        (unsigned)p->problem_value);
        }
        if (strstr(problem, "UTF-8") || strstr(problem, "Unicode")) {
            if (p->problem_value < 0 || p->problem_value > 0xFF)
                return fail(r, diag, NZ_EUTF8, &pos, "invalid UTF-8: %s",
                            problem);
            return fail(r, diag, NZ_EUTF8, &pos,
                        "invalid UTF-8: %s (byte 0x%02X)", problem,
                        (unsigned)p->problem_value);
        }
        return fail(r, diag, NZ_ESYNTAX, &pos, "invalid YAML: %s", problem);
    }
    nz_position pos = from_mark(p->problem_mark);
    if (p->context) {
        nz_position ctx = from_mark(p->context_mark);
        return fail(r, diag, NZ_ESYNTAX, &pos,
                    "invalid YAML: %s (%s at line %" PRIu64
                    ", column %" PRIu64 ")",
                    problem, p->context, ctx.line, ctx.column);
    }
    return fail(r, diag, NZ_ESYNTAX, &pos, "invalid YAML: %s", problem);
}

/* ---- building a document -------------------------------------------- */

static void drop_document(yaml_state *s)
{
    for (size_t i = 0; i < s->depth; i++) {
        json_decref(s->stack[i].node);
        nz_free(s->stack[i].anchor);
    }
    s->depth = 0;
    s->key_count = 0;
    s->key_text_len = 0;
    json_decref(s->root);
    s->root = NULL;
    nz_anchor_clear(&s->anchors);
}

static int no_memory(nz_reader *r, nz_diag *diag)
{
    return nz_diag_set(diag, NZ_ENOMEM, r->source, NULL,
                       "out of memory while reading YAML");
}

static int remember(nz_reader *r, yaml_state *s, const void *parent,
                    uint64_t slot, const nz_position *pos, nz_diag *diag)
{
    if (!s->keep_positions)
        return 0;
    return nz_pos_put(&s->positions, parent, slot, pos) ? no_memory(r, diag)
                                                        : 0;
}

static key_entry *find_key(yaml_state *s, const frame *f, uint64_t slot)
{
    for (size_t i = f->keys_start; i < s->key_count; i++)
        if (s->keys[i].slot == slot)
            return &s->keys[i];
    return NULL;
}

static int push_key(nz_reader *r, yaml_state *s, uint64_t slot,
                    const nz_position *pos, bool merged, nz_diag *diag)
{
    if (s->key_count == s->key_cap) {
        size_t cap = s->key_cap ? 2 * s->key_cap : 64;
        key_entry *k = nz_realloc(s->keys, cap * sizeof *k);
        if (!k)
            return no_memory(r, diag);
        s->keys = k;
        s->key_cap = cap;
    }
    key_entry *e = &s->keys[s->key_count++];
    e->slot = slot;
    e->pos = *pos;
    e->merged = merged;
    return 0;
}

/* Put value (stolen) under the waiting key of map frame f. */
static int set_member(nz_reader *r, yaml_state *s, frame *f, json_t *value,
                      const nz_position *pos, nz_diag *diag)
{
    const char *key = s->key_text + f->key_off;
    uint64_t slot = nz_pos_key_slot(key, f->key_len);
    /* One hash lookup: insert, and learn from the size whether the key
     * was there already (then its value has just been replaced, which is
     * what merges and "last wins" want, and harmless on the error path:
     * the document is dropped). */
    size_t before = json_object_size(f->node);
    int rc = 0;
    if (json_object_setn_new(f->node, key, f->key_len, value))
        rc = no_memory(r, diag);
    else if (json_object_size(f->node) > before)
        rc = push_key(r, s, slot, &f->key_pos, false, diag);
    else {
        key_entry *e = find_key(s, f, slot);
        if (e && e->merged) {
            e->merged = false; /* written here: wins over the merge */
            e->pos = f->key_pos;
        } else if (!(r->opts.flags & NZ_READ_DUPLICATE_KEYS_LAST)) {
            char shown[100];
            show(shown, sizeof shown, key, f->key_len);
            if (e)
                return fail(r, diag, NZ_EDUPKEY, &f->key_pos,
                            "duplicate mapping key \"%s\" (first defined at "
                            "line %" PRIu64 ", column %" PRIu64 ")",
                            shown, e->pos.line, e->pos.column);
            return fail(r, diag, NZ_EDUPKEY, &f->key_pos,
                        "duplicate mapping key \"%s\"", shown);
        } else if (e) {
            e->pos = f->key_pos;
        }
    }
    if (rc == 0)
        rc = remember(r, s, f->node, slot, pos, diag);
    s->key_text_len = f->key_off;
    f->have_key = false;
    return rc;
}

/* Merge the members of map `from` into frame f's map: keys already there
 * win (written ones, or earlier merges). */
static int merge_map(nz_reader *r, yaml_state *s, frame *f, json_t *from,
                     nz_diag *diag)
{
    const char *key;
    size_t key_len;
    json_t *value;
    json_object_keylen_foreach(from, key, key_len, value) {
        if (json_object_getn(f->node, key, key_len))
            continue;
        uint64_t slot = nz_pos_key_slot(key, key_len);
        const nz_position *src = s->keep_positions
                                     ? nz_pos_get(&s->positions, from, slot)
                                     : NULL;
        const nz_position *pos = src ? src : &f->key_pos;
        if (json_object_setn(f->node, key, key_len, value))
            return no_memory(r, diag);
        int rc = push_key(r, s, slot, pos, true, diag);
        if (rc == 0)
            rc = remember(r, s, f->node, slot, pos, diag);
        if (rc)
            return rc;
    }
    return 0;
}

/* The value of "<<" arrived (stolen). */
static int apply_merge(nz_reader *r, yaml_state *s, frame *f, json_t *value,
                       nz_diag *diag)
{
    int rc = 0;
    nz_position at = f->key_pos;
    s->key_text_len = f->key_off;
    f->have_key = false;
    f->merge_key = false;
    if (json_is_object(value)) {
        rc = merge_map(r, s, f, value, diag);
    } else if (json_is_array(value)) {
        size_t i;
        json_t *item;
        json_array_foreach(value, i, item) {
            if (!json_is_object(item)) {
                rc = fail(r, diag, NZ_ESYNTAX, &at,
                          "merge key \"<<\": item %zu of the sequence is not "
                          "a mapping", i);
                break;
            }
            rc = merge_map(r, s, f, item, diag);
            if (rc)
                break;
        }
    } else {
        rc = fail(r, diag, NZ_ESYNTAX, &at,
                  "merge key \"<<\" needs a mapping or a sequence of "
                  "mappings as its value");
    }
    json_decref(value);
    return rc;
}

/* A finished node (stolen) goes into its parent, or becomes the root. */
static int add_node(nz_reader *r, yaml_state *s, json_t *value,
                    const nz_position *pos, size_t height, nz_diag *diag)
{
    if (s->depth == 0) {
        s->root = value;
        s->record_pos = *pos;
        return 0;
    }
    frame *f = &s->stack[s->depth - 1];
    if (f->height < height + 1)
        f->height = height + 1;
    if (!f->is_map) {
        size_t index = json_array_size(f->node);
        if (json_array_append_new(f->node, value))
            return no_memory(r, diag);
        return remember(r, s, f->node, index, pos, diag);
    }
    if (f->merge_key)
        return apply_merge(r, s, f, value, diag);
    return set_member(r, s, f, value, pos, diag);
}

/* A key (its text as written) for the top map frame. */
static int take_key(nz_reader *r, yaml_state *s, frame *f, const char *text,
                    size_t len, const nz_position *pos, bool merge,
                    nz_diag *diag)
{
    size_t need = s->key_text_len + len + 1;
    if (need < len)
        return no_memory(r, diag);
    if (need > s->key_text_cap) {
        size_t cap = s->key_text_cap ? s->key_text_cap : 256;
        while (cap < need) {
            if (cap > SIZE_MAX / 2)
                return no_memory(r, diag);
            cap *= 2;
        }
        char *grown = nz_realloc(s->key_text, cap);
        if (!grown)
            return no_memory(r, diag);
        s->key_text = grown;
        s->key_text_cap = cap;
    }
    f->key_off = s->key_text_len;
    memcpy(s->key_text + f->key_off, text, len);
    s->key_text[f->key_off + len] = '\0';
    s->key_text_len = need;
    f->key_len = len;
    f->key_pos = *pos;
    f->have_key = true;
    f->merge_key = merge;
    return 0;
}

static bool expecting_key(const yaml_state *s)
{
    return s->depth > 0 && s->stack[s->depth - 1].is_map &&
           !s->stack[s->depth - 1].have_key;
}

static int charge(nz_reader *r, yaml_state *s, size_t nodes,
                  const nz_position *pos, nz_diag *diag)
{
    size_t parsed = s->parsed > NZ_YAML_MIN_BUDGET_NODES
                        ? s->parsed
                        : NZ_YAML_MIN_BUDGET_NODES;
    size_t budget = parsed > SIZE_MAX / s->alias_factor
                        ? SIZE_MAX
                        : parsed * s->alias_factor;
    if (nodes > budget - s->produced || s->produced > budget)
        return fail(r, diag, NZ_EEXPANSION, pos,
                    "alias expansion over its budget: the document would "
                    "produce more than %zu nodes from %zu parsed (alias "
                    "factor %zu); a \"billion laughs\" document?",
                    budget, s->parsed, s->alias_factor);
    s->produced += nodes;
    return 0;
}

/* A tag we do not apply: dropped, with a warning (an error when strict). */
static int unknown_tag(nz_reader *r, const char *tag, const nz_position *pos,
                       nz_diag *diag)
{
    char shown[100];
    show(shown, sizeof shown, tag, strlen(tag));
    bool strict = (r->opts.flags & NZ_READ_STRICT) != 0;
    int rc = nz_reader_lossy(r, diag, pos, NULL,
                             strict ? "YAML tag %s%s is not supported (the "
                                      "value would be read as if untagged)"
                                    : "YAML tag %s%s is not supported: the "
                                      "tag is dropped and the value read as "
                                      "if untagged",
                             strncmp(tag, TAG_PREFIX, sizeof TAG_PREFIX - 1)
                                 ? ""
                                 : "!!",
                             strncmp(tag, TAG_PREFIX, sizeof TAG_PREFIX - 1)
                                 ? shown
                                 : shown + sizeof TAG_PREFIX - 1);
    return rc;
}

static bool is_tag(const char *tag, const char *name)
{
    return strncmp(tag, TAG_PREFIX, sizeof TAG_PREFIX - 1) == 0 &&
           strcmp(tag + sizeof TAG_PREFIX - 1, name) == 0;
}

/* ---- events --------------------------------------------------------- */

static int on_scalar(nz_reader *r, yaml_state *s, yaml_event_t *e,
                     nz_diag *diag)
{
    const char *text = (const char *)e->data.scalar.value;
    size_t len = e->data.scalar.length;
    const char *tag = (const char *)e->data.scalar.tag;
    bool plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    nz_position pos = from_mark(e->start_mark);
    s->parsed++;
    int rc = charge(r, s, 1, &pos, diag);
    if (rc)
        return rc;

    if (expecting_key(s)) {
        frame *f = &s->stack[s->depth - 1];
        bool merge = s->merge && plain && len == 2 && text[0] == '<' &&
                     text[1] == '<' && (!tag || is_tag(tag, "merge"));
        if (e->data.scalar.anchor) {
            json_t *k = json_stringn(text, len);
            if (!k)
                return no_memory(r, diag);
            rc = nz_anchor_define(&s->anchors,
                                  (const char *)e->data.scalar.anchor, k,
                                  text, len, 1, 0);
            json_decref(k);
            if (rc)
                return no_memory(r, diag);
        }
        return take_key(r, s, f, text, len, &pos, merge, diag);
    }

    /* What the tag asks for. */
    nz_yaml_kind want = NZ_YAML_STRING;
    bool resolve = plain;
    if (tag && strcmp(tag, "!") != 0) {
        if (is_tag(tag, "str")) {
            resolve = false;
        } else if (is_tag(tag, "int")) {
            want = NZ_YAML_INT;
        } else if (is_tag(tag, "float")) {
            want = NZ_YAML_FLOAT;
        } else if (is_tag(tag, "bool")) {
            want = NZ_YAML_BOOL;
        } else if (is_tag(tag, "null")) {
            want = NZ_YAML_NULL;
        } else if (is_tag(tag, "map") || is_tag(tag, "seq")) {
            return fail(r, diag, NZ_ESYNTAX, &pos,
                        "tag !!%s on a scalar",
                        tag + sizeof TAG_PREFIX - 1);
        } else {
            rc = unknown_tag(r, tag, &pos, diag);
            if (rc)
                return rc;
        }
    } else if (tag) {
        resolve = false; /* "!": the non-specific tag, a string */
    }

    nz_yaml_value v;
    nz_yaml_kind k = NZ_YAML_STRING;
    if (want != NZ_YAML_STRING) {
        k = nz_yaml_resolve_as(text, len, s->yaml11, want, &v);
        if (k == NZ_YAML_STRING) {
            char shown[100];
            show(shown, sizeof shown, text, len);
            return fail(r, diag, NZ_ESYNTAX, &pos,
                        "\"%s\" is not a valid !!%s value", shown,
                        tag + sizeof TAG_PREFIX - 1);
        }
    } else if (resolve) {
        k = nz_yaml_resolve(text, len, s->yaml11, &v);
    }

    json_t *value = NULL;
    switch (k) {
    case NZ_YAML_NULL:
        value = json_null();
        break;
    case NZ_YAML_BOOL:
        value = json_boolean(v.boolean);
        break;
    case NZ_YAML_INT:
        value = json_integer(v.integer);
        break;
    case NZ_YAML_FLOAT:
        value = json_real(v.real);
        break;
    case NZ_YAML_INT_RANGE:
    case NZ_YAML_FLOAT_RANGE: {
        char shown[100];
        show(shown, sizeof shown, text, len);
        return fail(r, diag, NZ_ERANGE, &pos,
                    k == NZ_YAML_INT_RANGE
                        ? "integer %s is outside the signed 64-bit range"
                        : "number %s is out of the range of a double",
                    shown);
    }
    case NZ_YAML_NONFINITE: {
        char shown[100];
        show(shown, sizeof shown, text, len);
        rc = nz_reader_lossy(r, diag, &pos, NULL,
                             (r->opts.flags & NZ_READ_STRICT)
                                 ? "%s has no JSON number (it would be kept "
                                   "as the string \"%s\")"
                                 : "%s has no JSON number: kept as the "
                                   "string \"%s\"",
                             shown, shown);
        if (rc)
            return rc;
        value = json_stringn(text, len);
        break;
    }
    case NZ_YAML_STRING:
        /* libyaml has checked the UTF-8 of its input and refuses escapes
         * of surrogates or values beyond U+10FFFF: no second check. */
        value = json_stringn_nocheck(text, len);
        break;
    }
    if (!value)
        return no_memory(r, diag);
    if (e->data.scalar.anchor) {
        rc = nz_anchor_define(&s->anchors, (const char *)e->data.scalar.anchor,
                              value, text, len, 1, 0);
        if (rc) {
            json_decref(value);
            return no_memory(r, diag);
        }
    }
    return add_node(r, s, value, &pos, 0, diag);
}

static int on_start(nz_reader *r, yaml_state *s, yaml_event_t *e, bool map,
                    nz_diag *diag)
{
    nz_position pos = from_mark(e->start_mark);
    const char *tag = (const char *)(map ? e->data.mapping_start.tag
                                         : e->data.sequence_start.tag);
    const char *anchor = (const char *)(map ? e->data.mapping_start.anchor
                                            : e->data.sequence_start.anchor);
    s->parsed++;
    int rc = charge(r, s, 1, &pos, diag);
    if (rc)
        return rc;
    if (expecting_key(s))
        return fail(r, diag, NZ_EUNREPRESENTABLE, &pos,
                    "mapping key is a %s: JSON object keys must be scalars",
                    map ? "mapping" : "sequence");
    if (s->depth >= r->opts.max_depth)
        return fail(r, diag, NZ_EDEPTH, &pos,
                    "nesting deeper than the limit of %zu levels "
                    "(max-depth)",
                    r->opts.max_depth);
    if (tag && strcmp(tag, "!") != 0) {
        if (is_tag(tag, map ? "seq" : "map") || is_tag(tag, "str") ||
            is_tag(tag, "int") || is_tag(tag, "float") ||
            is_tag(tag, "bool") || is_tag(tag, "null"))
            return fail(r, diag, NZ_ESYNTAX, &pos, "tag !!%s on a %s",
                        tag + sizeof TAG_PREFIX - 1,
                        map ? "mapping" : "sequence");
        if (!is_tag(tag, map ? "map" : "seq")) {
            rc = unknown_tag(r, tag, &pos, diag);
            if (rc)
                return rc;
        }
    }
    if (s->depth == s->stack_cap) {
        size_t cap = s->stack_cap ? 2 * s->stack_cap : 32;
        frame *st = nz_realloc(s->stack, cap * sizeof *st);
        if (!st)
            return no_memory(r, diag);
        s->stack = st;
        s->stack_cap = cap;
    }
    json_t *node = map ? json_object() : json_array();
    char *anchor_copy = anchor ? nz_strdup(anchor) : NULL;
    if (!node || (anchor && !anchor_copy)) {
        json_decref(node);
        nz_free(anchor_copy);
        return no_memory(r, diag);
    }
    frame *f = &s->stack[s->depth++];
    memset(f, 0, sizeof *f);
    f->node = node;
    f->is_map = map;
    f->keys_start = s->key_count;
    f->anchor = anchor_copy;
    f->pos = pos;
    f->produced_at_start = s->produced - 1;
    return 0;
}

static int on_end(nz_reader *r, yaml_state *s, nz_diag *diag)
{
    frame f = s->stack[--s->depth];
    s->key_count = f.keys_start;
    if (f.have_key) /* libyaml never ends a map after a lone key */
        s->key_text_len = f.key_off;
    int rc = 0;
    if (f.anchor) {
        rc = nz_anchor_define(&s->anchors, f.anchor, f.node, NULL, 0,
                              s->produced - f.produced_at_start, f.height);
        nz_free(f.anchor);
        if (rc) {
            json_decref(f.node);
            return no_memory(r, diag);
        }
    }
    return add_node(r, s, f.node, &f.pos, f.height, diag);
}

static int on_alias(nz_reader *r, yaml_state *s, yaml_event_t *e,
                    nz_diag *diag)
{
    nz_position pos = from_mark(e->start_mark);
    const char *name = (const char *)e->data.alias.anchor;
    const nz_anchor *a = nz_anchor_find(&s->anchors, name);
    char shown[100];
    show(shown, sizeof shown, name, strlen(name));
    if (!a)
        return fail(r, diag, NZ_ESYNTAX, &pos,
                    "alias *%s refers to no anchor defined before it in "
                    "this document",
                    shown);
    s->parsed++;
    int rc = charge(r, s, a->nodes, &pos, diag);
    if (rc)
        return rc;
    if (expecting_key(s)) {
        if (!a->text)
            return fail(r, diag, NZ_EUNREPRESENTABLE, &pos,
                        "mapping key is an alias of a %s (*%s): JSON object "
                        "keys must be scalars",
                        json_is_object(a->value) ? "mapping" : "sequence",
                        shown);
        return take_key(r, s, &s->stack[s->depth - 1], a->text, a->text_len,
                        &pos, false, diag);
    }
    if (s->depth + a->height > r->opts.max_depth)
        return fail(r, diag, NZ_EDEPTH, &pos,
                    "alias *%s nests deeper than the limit of %zu levels "
                    "(max-depth)",
                    shown, r->opts.max_depth);
    json_t *copy = nz_json_deep_copy(a->value);
    if (!copy)
        return no_memory(r, diag);
    return add_node(r, s, copy, &pos, a->height, diag);
}

/* Next event from libyaml; NZ_OK or the stream's final error. */
static int next_event(nz_reader *r, yaml_state *s, yaml_event_t *e,
                      nz_diag *diag)
{
    if (!yaml_parser_parse(&s->parser, e))
        return parser_error(r, s, diag);
    nz_yaml_feed_mark_event(&s->feed);
    s->last_end = e->end_mark;
    return NZ_OK;
}

/* Discard events up to the end of the current document. */
static int skip_document(nz_reader *r, yaml_state *s, nz_diag *diag)
{
    while (s->skipping) {
        yaml_event_t e;
        int rc = next_event(r, s, &e, diag);
        if (rc)
            return rc;
        if (e.type == YAML_DOCUMENT_END_EVENT) {
            s->skipping = false;
            s->in_document = false;
        } else if (e.type == YAML_STREAM_END_EVENT) {
            s->skipping = false;
            s->done = true;
        }
        yaml_event_delete(&e);
    }
    return 0;
}

static int dispatch(nz_reader *r, yaml_state *s, yaml_event_t *e,
                    nz_diag *diag)
{
    switch (e->type) {
    case YAML_SCALAR_EVENT:
        return on_scalar(r, s, e, diag);
    case YAML_MAPPING_START_EVENT:
        return on_start(r, s, e, true, diag);
    case YAML_SEQUENCE_START_EVENT:
        return on_start(r, s, e, false, diag);
    case YAML_MAPPING_END_EVENT:
    case YAML_SEQUENCE_END_EVENT:
        return on_end(r, s, diag);
    case YAML_ALIAS_EVENT:
        return on_alias(r, s, e, diag);
    default:
        return 0;
    }
}

/* The document is complete: hand its root out. */
static int finish_record(yaml_state *s, json_t **out)
{
    nz_anchor_clear(&s->anchors);
    if (!s->root) /* libyaml always gives a node; be safe */
        s->root = json_null();
    *out = s->root;
    s->record = json_incref(s->root);
    s->root = NULL;
    return 1;
}

static int yaml_next(nz_reader *r, json_t **out, nz_diag *diag)
{
    yaml_state *s = r->state;
    json_decref(s->record);
    s->record = NULL;
    nz_pos_clear(&s->positions);
    if (s->deferred_code) {
        int rc = s->deferred_code;
        s->deferred_code = 0;
        if (diag)
            *diag = s->deferred;
        return rc;
    }
    if (s->failed)
        return nz_diag_set(diag, NZ_ESTATE, r->source, NULL,
                           "reading stopped at an earlier error");
    if (s->skipping) {
        int rc = skip_document(r, s, diag);
        if (rc)
            return rc;
    }
    while (!s->done) {
        yaml_event_t e;
        nz_diag err;
        int rc = next_event(r, s, &e, &err);
        if (rc) {
            if (s->in_document && s->depth == 0 && s->root) {
                s->deferred = err;
                s->deferred_code = rc;
                return finish_record(s, out);
            }
            if (diag)
                *diag = err;
            return rc;
        }
        switch (e.type) {
        case YAML_STREAM_END_EVENT:
            s->done = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            s->in_document = true;
            nz_yaml_feed_mark_document(&s->feed);
            s->doc_pos = from_mark(e.start_mark);
            s->parsed = 0;
            s->produced = 0;
            break;
        case YAML_DOCUMENT_END_EVENT:
            s->in_document = false;
            nz_yaml_feed_mark_document(&s->feed);
            yaml_event_delete(&e);
            return finish_record(s, out);
        default: {
            size_t limit = r->opts.max_record_bytes;
            uint64_t size = e.end_mark.index - (uint64_t)s->doc_pos.offset;
            if (s->in_document && size > limit) {
                yaml_event_delete(&e);
                drop_document(s);
                s->skipping = true;
                return fail(r, diag, NZ_ETOOBIG, &s->doc_pos,
                            "YAML document larger than the limit of %zu "
                            "bytes (max-record-size)",
                            limit);
            }
            rc = dispatch(r, s, &e, diag);
            if (rc) {
                yaml_event_delete(&e);
                drop_document(s);
                nz_pos_clear(&s->positions);
                s->skipping = s->in_document;
                return rc;
            }
            break;
        }
        }
        yaml_event_delete(&e);
    }
    return 0;
}

static int yaml_locate(const nz_reader *r, const char *pointer,
                       nz_position *out)
{
    const yaml_state *s = r->state;
    if (!s->record)
        return NZ_ENOTFOUND;
    return nz_pos_locate(&s->positions, s->record, &s->record_pos, pointer,
                         out);
}

static int yaml_open(nz_reader *r, nz_diag *diag)
{
    yaml_state *s = nz_zalloc(sizeof *s);
    if (!s)
        return no_memory(r, diag);
    r->state = s;
    if (r->opts.yaml.flags & ~(unsigned)(NZ_YAML_1_1 | NZ_YAML_NO_MERGE))
        return nz_diag_set(diag, NZ_EINVAL, r->source, NULL,
                           "unknown YAML option flags 0x%x",
                           r->opts.yaml.flags &
                               ~(unsigned)(NZ_YAML_1_1 | NZ_YAML_NO_MERGE));
    s->yaml11 = (r->opts.yaml.flags & NZ_YAML_1_1) != 0;
    s->merge = !(r->opts.yaml.flags & NZ_YAML_NO_MERGE);
    s->keep_positions = (r->opts.flags & NZ_READ_KEEP_POSITIONS) != 0;
    s->alias_factor = r->opts.yaml.alias_factor ? r->opts.yaml.alias_factor
                                                : DEFAULT_ALIAS_FACTOR;
    if (!yaml_parser_initialize(&s->parser))
        return no_memory(r, diag);
    s->parser_ready = true;
    nz_yaml_feed_init(&s->feed, &r->in, &s->parser,
                      r->opts.max_record_bytes);
    yaml_parser_set_input(&s->parser, nz_yaml_feed_read, &s->feed);
    return NZ_OK;
}

static void yaml_close(nz_reader *r)
{
    yaml_state *s = r->state;
    if (!s)
        return;
    drop_document(s);
    nz_anchor_free(&s->anchors);
    json_decref(s->record);
    nz_pos_free(&s->positions);
    nz_free(s->stack);
    nz_free(s->keys);
    nz_free(s->key_text);
    if (s->parser_ready)
        yaml_parser_delete(&s->parser);
    nz_free(s);
    r->state = NULL;
}

const nz_reader_ops nz_yaml_reader_ops = {
    yaml_open,
    yaml_next,
    yaml_locate,
    yaml_close,
};
