/* XML events -> one record's jansson tree, xmltodict-style (xml_map.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/diag_set.h"
#include "normalize/error.h"
#include "read/xml_map.h"

struct nz_xml_frame {
    json_t *obj;        /* NULL until an attribute or child arrives     */
    json_t *shadow;     /* {"": position, member: shadow, ...}           */
    char *text;         /* character data so far (buffer kept)          */
    size_t text_len, text_cap;
    nz_xml_where pos;   /* of the element's start tag                    */
    nz_xml_where text_pos;
    char *last_child;   /* name of the child added last (buffer kept)   */
    size_t last_cap;
    bool has_child;
    uint64_t names_seen; /* a one-word Bloom filter of the child names
                            added: a clear bit spares a hash lookup  */
    bool warned_order;  /* one interleaving warning per element is enough */
};

static int no_memory(nz_xml_map *m, nz_diag *diag)
{
    return nz_diag_set(diag, NZ_ENOMEM, m->r->source, NULL,
                       "out of memory while building a record");
}

/* ---- positions (the shadow tree) ------------------------------------ */

static json_t *position_json(const nz_position *p)
{
    return json_pack("[III]", (json_int_t)p->line, (json_int_t)p->column,
                     (json_int_t)p->offset);
}

/* A shadow node: an object whose "" member is the node's position (no
 * element, attribute or "#text" key is ever empty). */
static json_t *shadow_node(const nz_position *p)
{
    json_t *s = json_object();
    if (s && json_object_set_new(s, "", position_json(p)) != 0) {
        json_decref(s);
        return NULL;
    }
    return s;
}

int nz_xml_shadow_locate(const json_t *shadow, const char *pointer,
                         nz_position *out)
{
    if (!shadow)
        return NZ_ENOTFOUND;
    if (*pointer && *pointer != '/')
        return NZ_EINVAL;
    const json_t *at = shadow;
    char token[1024];
    while (*pointer == '/') {
        pointer++;
        size_t n = 0;
        for (; *pointer && *pointer != '/'; pointer++) {
            char c = *pointer;
            if (c == '~') {
                if (pointer[1] != '0' && pointer[1] != '1')
                    return NZ_EINVAL;
                c = pointer[1] == '0' ? '~' : '/';
                pointer++;
            }
            if (n + 1 >= sizeof token)
                return NZ_ENOTFOUND;
            token[n++] = c;
        }
        token[n] = '\0';
        if (json_is_array(at)) {
            char *end;
            if (n == 0 || (n > 1 && token[0] == '0'))
                return NZ_ENOTFOUND;
            unsigned long long i = strtoull(token, &end, 10);
            if (*end || i >= json_array_size(at))
                return NZ_ENOTFOUND;
            at = json_array_get(at, (size_t)i);
        } else {
            if (n == 0)
                return NZ_ENOTFOUND; /* "" is our own position key */
            at = json_object_get(at, token);
            if (!at)
                return NZ_ENOTFOUND;
        }
    }
    /* An array of repeated elements is where its first element is. */
    if (json_is_array(at))
        at = json_array_get(at, 0);
    const json_t *p = json_object_get(at, "");
    if (!json_is_array(p) || json_array_size(p) != 3)
        return NZ_ENOTFOUND;
    out->line = (uint64_t)json_integer_value(json_array_get(p, 0));
    out->column = (uint64_t)json_integer_value(json_array_get(p, 1));
    out->offset = (uint64_t)json_integer_value(json_array_get(p, 2));
    return NZ_OK;
}

/* ---- building ------------------------------------------------------- */

/* The name of frame i (0 = the record element). */
static const char *frame_name(const nz_xml_map *m, size_t i)
{
    return nz_xml_names_get(m->names, m->base + i);
}

/* Is the element of frame i (its name and ancestry) on an array path? */
static bool forced_array(const nz_xml_map *m, size_t depth_in_names)
{
    if (m->array_count == 0)
        return false;
    nz_xml_names prefix = *m->names;
    prefix.depth = depth_in_names;
    for (size_t i = 0; i < m->array_count; i++)
        if (nz_xml_path_matches(&m->arrays[i], &prefix))
            return true;
    return false;
}

/* Append a JSON Pointer token to buf (RFC 6901 escaping). */
static void pointer_token(char *buf, size_t size, size_t *len, const char *t)
{
    if (*len + 1 < size)
        buf[(*len)++] = '/';
    for (; *t && *len + 2 < size; t++) {
        if (*t == '~' || *t == '/') {
            buf[(*len)++] = '~';
            buf[(*len)++] = *t == '~' ? '0' : '1';
        } else {
            buf[(*len)++] = *t;
        }
    }
    buf[*len < size ? *len : size - 1] = '\0';
}

/* JSON Pointer of the element of frame `upto` as the record stands now
 * (an element that is the first of its name shows no index even if a
 * sibling of the same name follows later). */
static void frame_pointer(const nz_xml_map *m, size_t upto, char *buf,
                          size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    if (m->wrap)
        pointer_token(buf, size, &len, frame_name(m, 0));
    for (size_t i = 1; i <= upto; i++) {
        const char *name = frame_name(m, i);
        pointer_token(buf, size, &len, name);
        const json_t *parent = m->frames[i - 1].obj;
        const json_t *have = parent ? json_object_get(parent, name) : NULL;
        size_t index = json_is_array(have) ? json_array_size(have)
                       : have              ? 1
                                           : 0;
        if (index > 0 || forced_array(m, m->base + i + 1)) {
            char num[24];
            snprintf(num, sizeof num, "%zu", index);
            pointer_token(buf, size, &len, num);
        }
    }
}

/* A position for a diagnostic: placed only now, when one is needed. */
static nz_position placed(const nz_xml_map *m, const nz_xml_where *w)
{
    return m->place ? m->place(m->place_ctx, w) : w->pos;
}

static int push_frame(nz_xml_map *m, const nz_xml_where *pos, nz_diag *diag)
{
    if (m->depth == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 16;
        nz_xml_frame *f = nz_realloc(m->frames, cap * sizeof *f);
        if (!f)
            return no_memory(m, diag);
        memset(f + m->cap, 0, (cap - m->cap) * sizeof *f);
        m->frames = f;
        m->cap = cap;
    }
    nz_xml_frame *f = &m->frames[m->depth];
    f->obj = NULL;
    f->shadow = NULL;
    f->text_len = 0;
    f->has_child = false;
    f->names_seen = 0;
    f->warned_order = false;
    f->pos = *pos;
    if (f->last_child)
        f->last_child[0] = '\0';
    if (m->keep_positions) {
        f->shadow = shadow_node(&pos->pos);
        if (!f->shadow)
            return no_memory(m, diag);
    }
    m->depth++;
    return NZ_OK;
}

int nz_xml_map_begin(nz_xml_map *m, const nz_xml_where *pos, nz_diag *diag)
{
    nz_xml_map_reset(m);
    m->base = m->names->depth - 1;
    return push_frame(m, pos, diag);
}

int nz_xml_map_start(nz_xml_map *m, const nz_xml_where *pos, nz_diag *diag)
{
    return push_frame(m, pos, diag);
}

static json_t *frame_object(nz_xml_frame *f)
{
    if (!f->obj)
        f->obj = json_object();
    return f->obj;
}

int nz_xml_map_attr(nz_xml_map *m, const char *name, const char *value,
                    const nz_xml_where *pos, nz_diag *diag)
{
    nz_xml_frame *f = &m->frames[m->depth - 1];
    size_t n = strlen(name);
    char small[128];
    char *key = n + 2 <= sizeof small ? small : nz_alloc(n + 2);
    if (!key)
        return no_memory(m, diag);
    key[0] = '@';
    memcpy(key + 1, name, n + 1);
    int rc = NZ_OK;
    json_t *obj = frame_object(f);
    json_t *v = json_string_nocheck(value); /* libxml2 gives UTF-8 */
    if (!obj || !v) {
        json_decref(v);
        rc = no_memory(m, diag);
        goto done;
    }
    if (json_object_get(obj, key)) {
        /* Only possible once prefixes are stripped: a:id and b:id. */
        char where[NZ_DIAG_PATH_MAX];
        frame_pointer(m, m->depth - 1, where, sizeof where);
        nz_position at = placed(m, pos);
        rc = nz_reader_lossy(m->r, diag, &at, where,
                             "attribute '%s' of <%s> occurs twice once "
                             "namespace prefixes are stripped: the last value "
                             "is kept",
                             name, frame_name(m, m->depth - 1));
        if (rc < 0) {
            json_decref(v);
            goto done;
        }
    }
    if (json_object_set_new_nocheck(obj, key, v) != 0 ||
        (f->shadow &&
         json_object_set_new(f->shadow, key, shadow_node(&pos->pos)) != 0))
        rc = no_memory(m, diag);
done:
    if (key != small)
        nz_free(key);
    return rc;
}

int nz_xml_map_text(nz_xml_map *m, const char *text, size_t len,
                    const nz_xml_where *pos, nz_diag *diag)
{
    nz_xml_frame *f = &m->frames[m->depth - 1];
    if (len == 0) /* an empty CDATA section: f->text may still be NULL */
        return NZ_OK;
    if (len > f->text_cap - f->text_len) {
        size_t cap = f->text_cap ? f->text_cap : 64;
        while (cap - f->text_len < len) {
            if (cap > SIZE_MAX / 2)
                return no_memory(m, diag);
            cap *= 2;
        }
        char *t = nz_realloc(f->text, cap);
        if (!t)
            return no_memory(m, diag);
        f->text = t;
        f->text_cap = cap;
    }
    if (f->text_len == 0 && pos)
        f->text_pos = *pos;
    memcpy(f->text + f->text_len, text, len);
    f->text_len += len;
    return NZ_OK;
}

static bool is_xml_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Add value (stolen) under key in obj: a second value of the same key
 * turns the member into an array, as repeated siblings do. */
static int add_member(json_t *obj, const char *key, json_t *have,
                      json_t *value, bool force_array)
{
    if (!value)
        return -1;
    if (!have) {
        if (!force_array)
            return json_object_set_new_nocheck(obj, key, value);
        json_t *a = json_array();
        if (!a) {
            json_decref(value);
            return -1;
        }
        if (json_array_append_new(a, value) != 0) {
            json_decref(a);
            return -1;
        }
        return json_object_set_new_nocheck(obj, key, a);
    }
    if (json_is_array(have))
        return json_array_append_new(have, value);
    json_t *a = json_array();
    if (!a || json_array_append(a, have) != 0) {
        json_decref(a);
        json_decref(value);
        return -1;
    }
    if (json_array_append_new(a, value) != 0) {
        json_decref(a);
        return -1;
    }
    return json_object_set_new_nocheck(obj, key, a);
}

/* The Bloom filter bit of a child name: cheap, from its length and ends. */
static uint64_t name_bit(const char *name)
{
    size_t n = strlen(name);
    unsigned h = n ? (unsigned)n * 7u + (unsigned char)name[0] * 3u +
                         (unsigned char)name[n - 1]
                   : 0u;
    return (uint64_t)1 << (h & 63u);
}

static int remember_last_child(nz_xml_frame *f, const char *name)
{
    size_t n = strlen(name) + 1;
    if (n > f->last_cap) {
        char *b = nz_realloc(f->last_child, n);
        if (!b)
            return -1;
        f->last_child = b;
        f->last_cap = n;
    }
    memcpy(f->last_child, name, n);
    return 0;
}

int nz_xml_map_end(nz_xml_map *m, nz_diag *diag)
{
    size_t i = m->depth - 1;
    nz_xml_frame *f = &m->frames[i];
    const char *name = frame_name(m, i);

    /* Strip the text as xmltodict does; whitespace-only is no text. */
    size_t start = 0, stop = f->text_len;
    while (start < stop && is_xml_space(f->text[start]))
        start++;
    while (stop > start && is_xml_space(f->text[stop - 1]))
        stop--;
    bool has_text = stop > start;
    if (has_text && f->has_child) {
        char where[NZ_DIAG_PATH_MAX];
        frame_pointer(m, i, where, sizeof where);
        nz_position at = placed(m, &f->pos);
        int rc = nz_reader_lossy(m->r, diag, &at, where,
                                 "mixed content in <%s>: its text and child "
                                 "elements interleave; the text is joined "
                                 "into \"#text\" and its place among the "
                                 "children is lost",
                                 name);
        if (rc < 0)
            return rc;
    }
    json_t *value;
    if (f->obj) {
        value = f->obj;
        f->obj = NULL;
        if (has_text &&
            json_object_set_new(value, "#text",
                                json_stringn_nocheck(f->text + start, stop - start)) != 0) {
            json_decref(value);
            return no_memory(m, diag);
        }
        if (has_text && f->shadow &&
            json_object_set_new(f->shadow, "#text",
                                shadow_node(&f->text_pos.pos)) != 0) {
            json_decref(value);
            return no_memory(m, diag);
        }
    } else {
        value = has_text ? json_stringn_nocheck(f->text + start, stop - start)
                         : json_null();
        if (!value)
            return no_memory(m, diag);
    }
    json_t *shadow = f->shadow;
    f->shadow = NULL;
    nz_xml_where where_child = f->pos;
    m->depth--;

    if (i == 0) {
        /* The record element. */
        if (m->wrap) {
            json_t *rec = json_object();
            json_t *rec_shadow = NULL;
            if (!rec || json_object_set_new(rec, name, value) != 0) {
                json_decref(rec);
                json_decref(shadow);
                return no_memory(m, diag);
            }
            if (shadow) {
                json_t *p = json_object_get(shadow, "");
                rec_shadow = json_object();
                if (!rec_shadow ||
                    json_object_set(rec_shadow, "", p) != 0 ||
                    json_object_set_new(rec_shadow, name, shadow) != 0) {
                    json_decref(rec);
                    json_decref(rec_shadow);
                    return no_memory(m, diag);
                }
            }
            value = rec;
            shadow = rec_shadow;
        }
        m->result = value;
        m->result_shadow = shadow;
        return 1;
    }

    /* A child: add it to its parent, as an array when repeated. */
    nz_xml_frame *parent = &m->frames[i - 1];
    json_t *obj = frame_object(parent);
    if (!obj) {
        json_decref(value);
        json_decref(shadow);
        return no_memory(m, diag);
    }
    /* Most children are the first of their name: the filter says so
     * without a lookup. */
    uint64_t bit = name_bit(name);
    json_t *have = parent->names_seen & bit ? json_object_get(obj, name)
                                            : NULL;
    if (!parent->warned_order && have && parent->last_child &&
        parent->last_child[0] && strcmp(parent->last_child, name) != 0) {
        /* <a/><b/><a/>: the two a's meet in one array, after b. */
        parent->warned_order = true;
        char where[NZ_DIAG_PATH_MAX];
        frame_pointer(m, i - 1, where, sizeof where);
        nz_position at = placed(m, &where_child);
        int rc = nz_reader_lossy(m->r, diag, &at, where,
                                 "<%s> elements of <%s> are interleaved "
                                 "with other elements: they become one "
                                 "array and their order relative to the "
                                 "others is lost",
                                 name, frame_name(m, i - 1));
        if (rc < 0) {
            json_decref(value);
            json_decref(shadow);
            return rc;
        }
    }
    bool force = forced_array(m, m->base + i + 1);
    if (add_member(obj, name, have, value, force) != 0) {
        json_decref(shadow);
        return no_memory(m, diag);
    }
    parent->names_seen |= bit;
    if (shadow && add_member(parent->shadow, name,
                             json_object_get(parent->shadow, name), shadow,
                             force) != 0)
        return no_memory(m, diag);
    parent->has_child = true;
    if (remember_last_child(parent, name) != 0)
        return no_memory(m, diag);
    return 0;
}

void nz_xml_map_reset(nz_xml_map *m)
{
    for (size_t i = 0; i < m->depth; i++) {
        json_decref(m->frames[i].obj);
        json_decref(m->frames[i].shadow);
        m->frames[i].obj = NULL;
        m->frames[i].shadow = NULL;
    }
    m->depth = 0;
    json_decref(m->result);
    json_decref(m->result_shadow);
    m->result = NULL;
    m->result_shadow = NULL;
}

void nz_xml_map_free(nz_xml_map *m)
{
    nz_xml_map_reset(m);
    for (size_t i = 0; i < m->cap; i++) {
        nz_free(m->frames[i].text);
        nz_free(m->frames[i].last_child);
    }
    nz_free(m->frames);
    m->frames = NULL;
    m->cap = 0;
}
