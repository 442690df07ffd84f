/* Indexing a schema document: every embedded resource ($id / id) and
 * anchor ($anchor, $dynamicAnchor, draft 6-7 "$id": "#name") by URI.
 *
 * Only schema positions are walked (the values of applicator keywords),
 * so an "$id" inside an enum, a const or an unknown keyword is not an
 * identifier, as the specification says. */
#include "schema/registry.h"

#include <string.h>

#include "core/alloc.h"
#include "normalize/error.h"
#include "schema/dialect.h"
#include "schema/equal.h"
#include "schema/uri.h"

const char *nz_schema_id_of(const json_t *node, nz_dialect d)
{
    if (!json_is_object(node))
        return NULL;
    if (d != NZ_DIALECT_AUTO && d < NZ_DIALECT_2019_09 &&
        json_object_get(node, "$ref"))
        return NULL;
    const json_t *id = json_object_get(node, d == NZ_DIALECT_DRAFT4 ? "id"
                                                                    : "$id");
    if (!id && d == NZ_DIALECT_AUTO)
        id = json_object_get(node, "id");
    if (!json_is_string(id))
        return NULL;
    /* from 2019-09 "$id" names a resource and MUST NOT hold a fragment;
     * one that is only a fragment ("#foo", "#/properties/a", as schema
     * generators write) would name the enclosing resource again, so it
     * identifies nothing (see nz_schema_fragment_id) */
    if (d >= NZ_DIALECT_2019_09 && json_string_value(id)[0] == '#')
        return NULL;
    return json_string_value(id);
}

const char *nz_schema_fragment_id(const json_t *node, nz_dialect d)
{
    if (d < NZ_DIALECT_2019_09 || !json_is_object(node))
        return NULL;
    const json_t *id = json_object_get(node, "$id");
    const char *s = json_is_string(id) ? json_string_value(id) : NULL;
    return s && s[0] == '#' && s[1] ? s : NULL;
}

bool nz_is_plain_name(const char *s)
{
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
        return false;
    for (s++; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
              (*s >= '0' && *s <= '9') || strchr("-._:", *s)))
            return false;
    return true;
}

nz_dialect nz_schema_dialect_of(const json_t *node, nz_dialect outer)
{
    const json_t *s = json_object_get(node, "$schema");
    if (!json_is_string(s))
        return outer;
    nz_dialect d = nz_dialect_from_uri(json_string_value(s));
    return d == NZ_DIALECT_AUTO ? outer : d;
}

static int put_entry(nz_strmap *m, const char *key, const json_t *node,
                     nz_doc *doc, const char *base, nz_dialect d, bool dyn)
{
    int found;
    nz_index_entry *old = nz_strmap_get(m, key, strlen(key), &found);
    if (found) {
        /* a $dynamicAnchor also counts as a plain anchor; keep the
         * first registration otherwise, and remember a different schema
         * that claims the same URI (a copy of the same one, as bundlers
         * make, is no conflict) */
        if (dyn)
            old->dynamic = true;
        if (old->node != node && !old->other &&
            !nz_json_equal(old->node, node))
            old->other = node;
        return NZ_OK;
    }
    nz_index_entry *e = nz_zalloc(sizeof *e);
    if (!e)
        return NZ_ENOMEM;
    e->node = node;
    e->doc = doc;
    e->base = nz_strdup(base ? base : "");
    e->dialect = d;
    e->dynamic = dyn;
    if (!e->base || nz_strmap_put(m, key, strlen(key), e) != NZ_OK) {
        nz_free(e->base);
        nz_free(e);
        return NZ_ENOMEM;
    }
    return NZ_OK;
}

static int put_anchor(nz_index *ix, const char *base, const char *name,
                      const json_t *node, nz_doc *doc, const char *outer_base,
                      nz_dialect d, bool dyn)
{
    size_t n = strlen(base) + strlen(name) + 2;
    char *key = nz_alloc(n);
    if (!key)
        return NZ_ENOMEM;
    snprintf(key, n, "%s#%s", base, name);
    int rc = put_entry(&ix->anchors, key, node, doc, outer_base, d, dyn);
    nz_free(key);
    return rc;
}

/* keywords whose value is one subschema, an array of them, or an object
 * of them */
static const char *const kw_single[] = {
    "additionalItems", "additionalProperties", "not", "if", "then", "else",
    "contains", "propertyNames", "unevaluatedItems", "unevaluatedProperties",
    "items", NULL};
static const char *const kw_array[] = {"allOf", "anyOf", "oneOf",
                                       "prefixItems", "items", NULL};
static const char *const kw_object[] = {"properties", "patternProperties",
                                        "definitions", "$defs",
                                        "dependentSchemas", "dependencies",
                                        NULL};

static int walk(nz_index *ix, nz_doc *doc, const json_t *node,
                const char *outer_base, nz_dialect outer_d, bool is_root,
                int depth)
{
    if (!json_is_object(node) || depth > 1000)
        return NZ_OK;
    int rc = NZ_OK;
    nz_dialect d = outer_d;
    const char *id = nz_schema_id_of(node, outer_d);
    if (is_root || id)
        d = nz_schema_dialect_of(node, outer_d);
    if (d != outer_d)
        id = nz_schema_id_of(node, d);
    char *base = nz_strdup(outer_base);
    if (!base)
        return NZ_ENOMEM;
    if (id) {
        if (id[0] == '#' && (d == NZ_DIALECT_AUTO || d < NZ_DIALECT_2019_09)) {
            /* draft 6/7 location-independent identifier */
            if (id[1] && (rc = put_anchor(ix, base, id + 1, node, doc,
                                          outer_base, outer_d, false)))
                goto out;
        } else {
            char *abs = nz_uri_resolve(base, id);
            const char *frag;
            char *nb = abs ? nz_uri_strip_fragment(abs, &frag) : NULL;
            if (!nb) {
                nz_free(abs);
                rc = NZ_ENOMEM;
                goto out;
            }
            rc = put_entry(&ix->resources, nb, node, doc, outer_base,
                           outer_d, false);
            if (!rc && frag && *frag && d < NZ_DIALECT_2019_09)
                rc = put_anchor(ix, nb, frag, node, doc, outer_base,
                                outer_d, false);
            nz_free(abs);
            nz_free(base);
            base = nb;
            if (rc)
                goto out;
        }
    }
    /* 2019-09 on: a draft 7 style "$id": "#name" is read as the anchor it
     * plainly means (compile.c warns) */
    const char *fid = nz_schema_fragment_id(node, d);
    if (fid && nz_is_plain_name(fid + 1) &&
        (rc = put_anchor(ix, base, fid + 1, node, doc, outer_base, outer_d,
                         false)))
        goto out;
    if (d == NZ_DIALECT_AUTO || d >= NZ_DIALECT_2019_09) {
        const json_t *a = json_object_get(node, "$anchor");
        if (json_is_string(a) &&
            (rc = put_anchor(ix, base, json_string_value(a), node, doc,
                             outer_base, outer_d, false)))
            goto out;
        a = json_object_get(node, "$dynamicAnchor");
        if (json_is_string(a) && d != NZ_DIALECT_2019_09 &&
            (rc = put_anchor(ix, base, json_string_value(a), node, doc,
                             outer_base, outer_d, true)))
            goto out;
    }
    for (size_t i = 0; kw_single[i]; i++) {
        const json_t *v = json_object_get(node, kw_single[i]);
        if (json_is_object(v) &&
            (rc = walk(ix, doc, v, base, d, false, depth + 1)))
            goto out;
    }
    for (size_t i = 0; kw_array[i]; i++) {
        const json_t *v = json_object_get(node, kw_array[i]);
        size_t k;
        json_t *s;
        if (json_is_array(v))
            json_array_foreach(v, k, s)
            {
                if ((rc = walk(ix, doc, s, base, d, false, depth + 1)))
                    goto out;
            }
    }
    for (size_t i = 0; kw_object[i]; i++) {
        const json_t *v = json_object_get(node, kw_object[i]);
        const char *k;
        json_t *s;
        if (json_is_object(v))
            json_object_foreach(NZ_MUT_JSON(v), k, s)
            {
                if ((rc = walk(ix, doc, s, base, d, false, depth + 1)))
                    goto out;
            }
    }
out:
    nz_free(base);
    return rc;
}

nz_doc *nz_doc_retain(nz_doc *d)
{
    atomic_fetch_add_explicit(&d->refs, 1, memory_order_relaxed);
    return d;
}

void nz_doc_release(nz_doc *d)
{
    if (d && atomic_fetch_sub_explicit(&d->refs, 1, memory_order_acq_rel) == 1) {
        json_decref(d->json);
        nz_free(d);
    }
}

int nz_index_add(nz_index *ix, json_t *json, const char *base,
                 nz_dialect dialect)
{
    nz_doc *holder = nz_alloc(sizeof *holder);
    if (!holder)
        return NZ_ENOMEM;
    holder->json = json_incref(json);
    atomic_init(&holder->refs, 1);
    int rc = nz_index_add_doc(ix, holder, base, dialect);
    nz_doc_release(holder);
    return rc;
}

int nz_index_add_doc(nz_index *ix, nz_doc *holder, const char *base,
                     nz_dialect dialect)
{
    if (ix->ndocs == ix->capdocs) {
        size_t nc = ix->capdocs ? ix->capdocs * 2 : 8;
        nz_doc **nd = nz_realloc(ix->docs, nc * sizeof *nd);
        if (!nd)
            return NZ_ENOMEM;
        ix->docs = nd;
        ix->capdocs = nc;
    }
    ix->docs[ix->ndocs++] = nz_doc_retain(holder);
    json_t *json = holder->json;
    char *b = nz_uri_strip_fragment(base ? base : "", NULL);
    if (!b)
        return NZ_ENOMEM;
    /* the document itself, under the URI it was retrieved from */
    int rc = NZ_OK;
    if (*b)
        rc = put_entry(&ix->resources, b, json, holder, b, dialect, false);
    if (!rc)
        rc = walk(ix, holder, json, b, dialect, true, 0);
    nz_free(b);
    return rc;
}

static void free_entries(nz_strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key) {
            nz_index_entry *e = m->slots[i].value;
            nz_free(e->base);
            nz_free(e);
        }
    nz_strmap_free(m);
}

void nz_index_free(nz_index *ix)
{
    free_entries(&ix->resources);
    free_entries(&ix->anchors);
    for (size_t i = 0; i < ix->ndocs; i++)
        nz_doc_release(ix->docs[i]);
    nz_free(ix->docs);
    memset(ix, 0, sizeof *ix);
}
