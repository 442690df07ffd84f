/* Keyword compilers for applicators: keywords that apply subschemas to
 * the instance or its parts ($ref and friends, allOf/anyOf/oneOf/not,
 * if/then/else, properties, items, contains, unevaluated*). */
#include <string.h>

#include "core/alloc.h"
#include "normalize/error.h"
#include "schema/compile.h"
#include "schema/dialect.h"

#define KW(name) json_object_get(k->json, name)

/* One subschema under keyword `kw` (if present). */
static int single(nz_kwctx *k, const char *kw, nz_op_kind kind,
                  nz_op **opout)
{
    const json_t *v = KW(kw);
    if (opout)
        *opout = NULL;
    if (!v)
        return NZ_OK;
    nz_node *sub;
    int rc = nz_kw_sub(k, v, kw, NULL, &sub);
    if (rc)
        return rc;
    nz_op *op = nz_kw_add_op(k, kind, kw, v);
    if (!op)
        return NZ_ENOMEM;
    op->sub = sub;
    if (opout)
        *opout = op;
    return NZ_OK;
}

/* An array of subschemas into op->subs. */
static int array_of(nz_kwctx *k, const char *kw, const json_t *v, nz_op *op,
                    bool nonempty)
{
    if (!json_is_array(v) || (nonempty && json_array_size(v) == 0))
        return nz_kw_error(k, kw, "'%s' must be a%s array of schemas", kw,
                           nonempty ? " non-empty" : "n");
    size_t n = json_array_size(v);
    nz_node **subs = nz_schema_alloc(k->c->s, n * sizeof *subs);
    if (!subs)
        return NZ_ENOMEM;
    op->subs = subs;
    op->n = n;
    for (size_t i = 0; i < n; i++) {
        char idx[24];
        snprintf(idx, sizeof idx, "%zu", i);
        int rc = nz_kw_sub(k, json_array_get(v, i), kw, idx, &subs[i]);
        if (rc)
            return rc;
    }
    return NZ_OK;
}

static int combinator(nz_kwctx *k, const char *kw, nz_op_kind kind)
{
    const json_t *v = KW(kw);
    if (!v)
        return NZ_OK;
    nz_op *op = nz_kw_add_op(k, kind, kw, v);
    if (!op)
        return NZ_ENOMEM;
    /* array_of may grow k->ops: keep the index, not the pointer */
    size_t at = k->nops - 1;
    nz_op tmp = *op;
    int rc = array_of(k, kw, v, &tmp, true);
    k->ops[at].subs = tmp.subs;
    k->ops[at].n = tmp.n;
    return rc;
}

/* An object of subschemas (properties, patternProperties,
 * dependentSchemas): names and subs in op, name -> index+1 in op->map. */
static int object_of(nz_kwctx *k, const char *kw, const json_t *v,
                     nz_op_kind kind, size_t *at_out)
{
    if (!json_is_object(v))
        return nz_kw_error(k, kw, "'%s' must be an object of schemas", kw);
    nz_op *op = nz_kw_add_op(k, kind, kw, v);
    if (!op)
        return NZ_ENOMEM;
    size_t at = k->nops - 1;
    if (at_out)
        *at_out = at;
    size_t n = json_object_size(v);
    nz_node **subs = nz_schema_alloc(k->c->s, (n ? n : 1) * sizeof *subs);
    char **names = nz_schema_alloc(k->c->s, (n ? n : 1) * sizeof *names);
    size_t *lens = nz_schema_alloc(k->c->s, (n ? n : 1) * sizeof *lens);
    if (!subs || !names || !lens) {
        nz_free(subs);
        nz_free(names);
        nz_free(lens);
        return NZ_ENOMEM;
    }
    k->ops[at].subs = subs;
    k->ops[at].names = names;
    k->ops[at].name_lens = lens;
    size_t i = 0;
    const char *key;
    size_t klen;
    json_t *s;
    json_object_keylen_foreach(NZ_MUT_JSON(v), key, klen, s)
    {
        names[i] = nz_alloc(klen + 1);
        if (!names[i])
            return NZ_ENOMEM;
        memcpy(names[i], key, klen);
        names[i][klen] = '\0';
        lens[i] = klen;
        k->ops[at].n = i + 1;
        k->c->s->bytes += klen + 1;
        if (nz_strmap_put(&k->ops[at].map, key, klen, (void *)(i + 1)))
            return NZ_ENOMEM;
        int rc = nz_kw_sub(k, s, kw, names[i], &subs[i]);
        if (rc)
            return rc;
        i++;
    }
    return NZ_OK;
}

static int refs(nz_kwctx *k)
{
    const json_t *v = KW("$ref");
    if (v) {
        if (!json_is_string(v))
            return nz_kw_error(k, "$ref", "'$ref' must be a string");
        nz_node *t;
        int rc = nz_compile_ref(k, "$ref", json_string_value(v), &t, NULL);
        if (rc)
            return rc;
        nz_op *op = nz_kw_add_op(k, NZ_OP_REF, "$ref", v);
        if (!op)
            return NZ_ENOMEM;
        op->sub = t;
    }
    if (k->d == NZ_DIALECT_2019_09 && (v = KW("$recursiveRef"))) {
        if (!json_is_string(v))
            return nz_kw_error(k, "$recursiveRef",
                               "'$recursiveRef' must be a string");
        nz_node *t;
        int rc = nz_compile_ref(k, "$recursiveRef", json_string_value(v), &t,
                                NULL);
        if (rc)
            return rc;
        nz_op *op = nz_kw_add_op(k, NZ_OP_RECURSIVE_REF, "$recursiveRef", v);
        if (!op)
            return NZ_ENOMEM;
        op->sub = t;
    }
    if (k->d >= NZ_DIALECT_2020_12 && (v = KW("$dynamicRef"))) {
        if (!json_is_string(v))
            return nz_kw_error(k, "$dynamicRef",
                               "'$dynamicRef' must be a string");
        const char *ref = json_string_value(v);
        nz_node *t;
        const nz_index_entry *e;
        int rc = nz_compile_ref(k, "$dynamicRef", ref, &t, &e);
        if (rc)
            return rc;
        nz_op *op = nz_kw_add_op(k, NZ_OP_DYNAMIC_REF, "$dynamicRef", v);
        if (!op)
            return NZ_ENOMEM;
        op->sub = t;
        /* dynamic only when the fragment names a $dynamicAnchor that the
         * initial target really declares (the "bookend") */
        const char *h = strchr(ref, '#');
        if (h && h[1] && h[1] != '/' && e && e->dynamic) {
            const json_t *da = json_object_get(t->json, "$dynamicAnchor");
            if (json_is_string(da) && strcmp(json_string_value(da), h + 1) == 0) {
                op->dyn_name = json_string_value(da);
                nz_compiler *c = k->c;
                bool seen = false;
                for (size_t i = 0; i < c->ndyn_names; i++)
                    if (strcmp(c->dyn_names[i], op->dyn_name) == 0)
                        seen = true;
                if (!seen) {
                    char **nn = nz_realloc(c->dyn_names,
                                           (c->ndyn_names + 1) * sizeof *nn);
                    if (!nn)
                        return NZ_ENOMEM;
                    c->dyn_names = nn;
                    nn[c->ndyn_names++] = NZ_MUT(op->dyn_name);
                }
            }
        }
    }
    return NZ_OK;
}

static int items(nz_kwctx *k)
{
    const json_t *v;
    size_t prefix = 0;
    bool modern = k->d >= NZ_DIALECT_2020_12;
    const char *arraykw = modern ? "prefixItems" : "items";
    v = KW(arraykw);
    if (v && json_is_array(v)) {
        nz_op *op = nz_kw_add_op(k, NZ_OP_PREFIX_ITEMS, arraykw, v);
        if (!op)
            return NZ_ENOMEM;
        size_t at = k->nops - 1;
        nz_op tmp = *op;
        int rc = array_of(k, arraykw, v, &tmp, false);
        k->ops[at].subs = tmp.subs;
        k->ops[at].n = tmp.n;
        if (rc)
            return rc;
        prefix = tmp.n;
    } else if (v && modern) {
        return nz_kw_error(k, arraykw, "'prefixItems' must be an array");
    }
    /* the schema for the items after the prefix */
    const char *restkw;
    if (modern)
        restkw = "items";
    else if (v && json_is_array(v))
        restkw = "additionalItems";
    else
        restkw = "items";
    const json_t *rv = KW(restkw);
    if (rv && modern && json_is_array(rv))
        return nz_kw_error(k, "items",
                           "'items' must be a schema in draft 2020-12 (use "
                           "'prefixItems' for an array of schemas)");
    if (rv) {
        nz_op *op;
        int rc = single(k, restkw, NZ_OP_ITEMS_ALL, &op);
        if (rc)
            return rc;
        op->count = prefix;
    }
    return NZ_OK;
}

static int count_kw(nz_kwctx *k, const char *kw, size_t *out, bool *present)
{
    const json_t *v = KW(kw);
    *present = false;
    if (!v)
        return NZ_OK;
    if (!nz_json_count(v, out))
        return nz_kw_error(k, kw, "'%s' must be a non-negative integer", kw);
    *present = true;
    return NZ_OK;
}

static int contains(nz_kwctx *k)
{
    nz_op *op;
    int rc = single(k, "contains", NZ_OP_CONTAINS, &op);
    if (rc || !op)
        return rc;
    size_t at = k->nops - 1;
    k->ops[at].count = 1;
    if (k->d >= NZ_DIALECT_2019_09 && (k->vocab & NZ_VOCAB_VALIDATION)) {
        bool p;
        size_t mn = 1, mx = SIZE_MAX;
        if ((rc = count_kw(k, "minContains", &mn, &p)))
            return rc;
        k->ops[at].count = mn;
        k->ops[at].flag = p;
        if ((rc = count_kw(k, "maxContains", &mx, &p)))
            return rc;
        k->ops[at].count2 = p ? mx : SIZE_MAX;
    }
    return NZ_OK;
}

static int dependencies(nz_kwctx *k)
{
    const json_t *v = KW("dependencies");
    if (!v)
        return NZ_OK;
    if (!json_is_object(v))
        return nz_kw_error(k, "dependencies", "'dependencies' must be an object");
    /* split into the schema form (here) and the array form
     * (compile_assertions.c) */
    size_t n = 0;
    const char *key;
    json_t *s;
    json_object_foreach(NZ_MUT_JSON(v), key, s)
    {
        if (!json_is_array(s))
            n++;
    }
    if (!n)
        return NZ_OK;
    nz_op *op = nz_kw_add_op(k, NZ_OP_DEPENDENT_SCHEMAS, "dependencies", v);
    if (!op)
        return NZ_ENOMEM;
    size_t at = k->nops - 1;
    nz_node **subs = nz_schema_alloc(k->c->s, n * sizeof *subs);
    char **names = nz_schema_alloc(k->c->s, n * sizeof *names);
    size_t *lens = nz_schema_alloc(k->c->s, n * sizeof *lens);
    if (!subs || !names || !lens) {
        nz_free(subs);
        nz_free(names);
        nz_free(lens);
        return NZ_ENOMEM;
    }
    k->ops[at].subs = subs;
    k->ops[at].names = names;
    k->ops[at].name_lens = lens;
    size_t i = 0;
    size_t klen;
    json_object_keylen_foreach(NZ_MUT_JSON(v), key, klen, s)
    {
        if (json_is_array(s))
            continue;
        names[i] = nz_alloc(klen + 1);
        if (!names[i])
            return NZ_ENOMEM;
        memcpy(names[i], key, klen);
        names[i][klen] = '\0';
        lens[i] = klen;
        k->ops[at].n = i + 1;
        int rc = nz_kw_sub(k, s, "dependencies", key, &subs[i]);
        if (rc)
            return rc;
        i++;
    }
    return NZ_OK;
}

int nz_compile_applicators(nz_kwctx *k)
{
    int rc;
    nz_dialect d = k->d;
    if (d < NZ_DIALECT_2019_09 && KW("$ref")) {
        /* drafts 4 to 7: "All other properties in a "$ref" object MUST be
         * ignored." Say so when one of them would assert something. */
        static const char *const harmless[] = {
            "$ref", "$id", "id", "$schema", "definitions", "$defs",
            "$comment", "description", "title", "examples", "default",
            "readOnly", "writeOnly", "deprecated", NULL};
        const char *key;
        json_t *v;
        json_object_foreach(NZ_MUT_JSON(k->json), key, v)
        {
            bool ok = false;
            for (size_t i = 0; harmless[i] && !ok; i++)
                ok = strcmp(harmless[i], key) == 0;
            if (!ok) {
                nz_kw_warn(k, key,
                           "'%s' beside '$ref' is ignored in draft %s (it "
                           "applies from draft 2019-09 on; wrap both in "
                           "allOf to keep it)",
                           key, nz_dialect_name(d));
                break;
            }
        }
        return refs(k);
    }
    if ((rc = refs(k)))
        return rc;
    if ((rc = combinator(k, "allOf", NZ_OP_ALL_OF)) ||
        (rc = combinator(k, "anyOf", NZ_OP_ANY_OF)) ||
        (rc = combinator(k, "oneOf", NZ_OP_ONE_OF)) ||
        (rc = single(k, "not", NZ_OP_NOT, NULL)))
        return rc;
    if (d >= NZ_DIALECT_DRAFT7 && KW("if")) {
        nz_op *op;
        if ((rc = single(k, "if", NZ_OP_IF, &op)))
            return rc;
        size_t at = k->nops - 1;
        nz_node *t = NULL, *e = NULL;
        if (KW("then") && (rc = nz_kw_sub(k, KW("then"), "then", NULL, &t)))
            return rc;
        if (KW("else") && (rc = nz_kw_sub(k, KW("else"), "else", NULL, &e)))
            return rc;
        k->ops[at].sub2 = t;
        k->ops[at].sub3 = e;
    }
    const json_t *v;
    if ((v = KW("properties")) && (rc = object_of(k, "properties", v,
                                                  NZ_OP_PROPERTIES, NULL)))
        return rc;
    if ((v = KW("patternProperties"))) {
        size_t at;
        if ((rc = object_of(k, "patternProperties", v,
                            NZ_OP_PATTERN_PROPERTIES, &at)))
            return rc;
        nz_op *op = &k->ops[at];
        op->res = nz_schema_alloc(k->c->s, (op->n ? op->n : 1) *
                                               sizeof *op->res);
        if (!op->res)
            return NZ_ENOMEM;
        for (size_t i = 0; i < op->n; i++) {
            char err[256];
            rc = nz_regex_compile(&op->res[i], op->names[i],
                                  op->name_lens[i],
                                  k->c->opts.regex_match_limit,
                                  k->c->opts.regex_depth_limit, err,
                                  sizeof err);
            if (rc == NZ_ENOMEM)
                return rc;
            if (rc) {
                /* op->res is zeroed: the entries not compiled stay NULL */
                return nz_kw_error(k, "patternProperties",
                                   "invalid pattern '%s': %s", op->names[i],
                                   err);
            }
            k->c->s->bytes += nz_regex_size(op->res[i]);
        }
    }
    if ((rc = single(k, "additionalProperties", NZ_OP_ADDITIONAL_PROPERTIES,
                     NULL)))
        return rc;
    if (d >= NZ_DIALECT_DRAFT6 &&
        (rc = single(k, "propertyNames", NZ_OP_PROPERTY_NAMES, NULL)))
        return rc;
    if ((rc = items(k)))
        return rc;
    if (d >= NZ_DIALECT_DRAFT6 && (rc = contains(k)))
        return rc;
    if (d >= NZ_DIALECT_2019_09) {
        if ((v = KW("dependentSchemas")) &&
            (rc = object_of(k, "dependentSchemas", v,
                            NZ_OP_DEPENDENT_SCHEMAS, NULL)))
            return rc;
        if ((rc = single(k, "unevaluatedProperties",
                         NZ_OP_UNEVALUATED_PROPERTIES, NULL)) ||
            (rc = single(k, "unevaluatedItems", NZ_OP_UNEVALUATED_ITEMS,
                         NULL)))
            return rc;
    }
    /* also in 2019-09 and later, for compatibility (see
     * compile_assertions.c) */
    return dependencies(k);
}
