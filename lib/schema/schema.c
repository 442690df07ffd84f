/* nz_schema: compiling, reference counting and freeing compiled schemas. */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/diag_set.h"
#include "core/json_copy.h"
#include "normalize/error.h"
#include "schema/compile.h"
#include "schema/dialect.h"
#include "schema/uri.h"

void nz_schema_options_init(nz_schema_options *opts)
{
    if (!opts)
        return;
    memset(opts, 0, sizeof *opts);
    opts->dialect = NZ_DIALECT_AUTO;
}

static void free_op(nz_op *op)
{
    for (size_t i = 0; op->names && i < op->n; i++)
        nz_free(op->names[i]);
    if (op->res)
        for (size_t i = 0; i < op->n; i++)
            if (op->res[i])
                nz_regex_free(op->res[i]);
    nz_free(op->names);
    nz_free(op->name_lens);
    nz_free(op->res);
    nz_free(op->subs);
    nz_strmap_free(&op->map);
}

static void schema_free(nz_schema *s)
{
    for (size_t i = 0; i < s->nnodes; i++) {
        nz_node *n = s->nodes[i];
        for (size_t j = 0; j < n->nops; j++)
            free_op(&n->ops[j]);
        nz_free(n->ops);
        nz_free(n->location);
        nz_free(n);
    }
    nz_free(s->nodes);
    for (size_t i = 0; i < s->nres; i++) {
        nz_resource *r = s->resources[i];
        nz_free(r->uri);
        nz_free(r->dyn_names);
        nz_free(r->dyn_nodes);
        nz_free(r);
    }
    nz_free(s->resources);
    for (size_t i = 0; i < s->ndocs; i++)
        nz_doc_release(s->docs[i]);
    nz_free(s->docs);
    nz_free(s->warnings);
    nz_free(s);
}

void nz_ops_free(nz_op *ops, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free_op(&ops[i]);
    nz_free(ops);
}

/* $dynamicAnchor targets: every resource in the schema learns its dynamic
 * anchors for the names some $dynamicRef uses. Compiling an anchor may
 * reach new resources and new $dynamicRefs, so repeat until nothing
 * changes. */
static int link_dynamic_anchors(nz_compiler *c)
{
    size_t done_res = 0, done_names = 0;
    for (;;) {
        size_t nres = c->s->nres, nnames = c->ndyn_names;
        if (done_res == nres && done_names == nnames)
            return NZ_OK;
        for (size_t i = 0; i < nres; i++) {
            nz_resource *r = c->s->resources[i];
            /* resources seen before only need the new names */
            size_t from = i < done_res ? done_names : 0;
            for (size_t j = from; j < nnames; j++) {
                const char *name = c->dyn_names[j];
                size_t kl = strlen(r->uri) + strlen(name) + 2;
                char *key = nz_alloc(kl);
                if (!key)
                    return NZ_ENOMEM;
                snprintf(key, kl, "%s#%s", r->uri, name);
                const nz_index_entry *e = nz_strmap_get(
                    &c->local.anchors, key, strlen(key), NULL);
                int rc = NZ_OK;
                if (!e) {
                    rc = nz_registry_find(c->reg, key, true, r->root ? r->root->dialect : c->s->dialect, &e, NULL);
                    if (rc == NZ_ENOTFOUND)
                        rc = NZ_OK, e = NULL;
                }
                if (rc || !e || !e->dynamic) {
                    nz_free(key);
                    if (rc)
                        return rc;
                    continue;
                }
                nz_node *node;
                rc = nz_compile_node(c, e->node, e->base, e->dialect, key,
                                     NULL, false, &node);
                nz_free(key);
                if (rc)
                    return rc;
                char **nn = nz_realloc(r->dyn_names,
                                       (r->ndyn + 1) * sizeof *nn);
                if (!nn)
                    return NZ_ENOMEM;
                r->dyn_names = nn;
                nz_node **nd = nz_realloc(r->dyn_nodes,
                                          (r->ndyn + 1) * sizeof *nd);
                if (!nd)
                    return NZ_ENOMEM;
                r->dyn_nodes = nd;
                nn[r->ndyn] = NZ_MUT(name);
                nd[r->ndyn] = node;
                r->ndyn++;
                c->s->bytes += 2 * sizeof(void *);
            }
        }
        done_res = nres;
        done_names = nnames;
    }
}

/* A schema error under a $schema whose keywords were read as another
 * draft's: the warning that said so is freed with the schema, so the
 * error carries it ("'required' must be an array" is a puzzle in a
 * draft 3 schema otherwise). */
static void note_guessed_dialect(nz_diag *diag, const char *uri,
                                 nz_dialect as)
{
    char t[NZ_DIAG_TEXT_MAX + 600];
    snprintf(t, sizeof t, "%s (its keywords were read as draft %s, since "
             "the meta-schema '%.300s' is unknown or not supported)",
             diag->text, nz_dialect_name(as), uri);
    nz_copy_clipped(diag->text, sizeof diag->text, t);
}

static size_t generated_id(void)
{
    static _Atomic size_t counter;
    return ++counter;
}

int nz_schema_compile(nz_schema **out, const json_t *schema,
                      const nz_schema_options *opts, nz_registry *reg,
                      nz_diag *diag)
{
    if (!out)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "nz_schema_compile: NULL output");
    *out = NULL;
    if (!schema)
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "nz_schema_compile: NULL schema");
    nz_compiler c;
    memset(&c, 0, sizeof c);
    if (opts)
        c.opts = *opts;
    else
        nz_schema_options_init(&c.opts);
    switch (c.opts.dialect) {
    case NZ_DIALECT_AUTO:
    case NZ_DIALECT_DRAFT4:
    case NZ_DIALECT_DRAFT6:
    case NZ_DIALECT_DRAFT7:
    case NZ_DIALECT_2019_09:
    case NZ_DIALECT_2020_12:
        break;
    default:
        return nz_diag_set(diag, NZ_EINVAL, NULL, NULL,
                           "unknown dialect %d", (int)c.opts.dialect);
    }
    c.reg = reg;
    c.diag = diag;
    nz_diag_clear(diag);
    /* compile a private copy: the caller keeps ownership of `schema` and
     * may change it afterwards; the nodes point into the copy */
    json_t *copy = nz_json_deep_copy(schema);
    if (!copy)
        return nz_diag_set(diag, NZ_ENOMEM, NULL, NULL, "out of memory");
    schema = copy;
    c.root_json = schema;

    nz_dialect d = c.opts.dialect == NZ_DIALECT_AUTO ? NZ_DIALECT_2020_12
                                                      : c.opts.dialect;
    if (json_is_object(schema))
        d = nz_schema_dialect_of(schema, d);
    /* a custom meta-schema: its own $schema says the dialect */
    const json_t *sv = json_object_get(schema, "$schema");
    if (json_is_string(sv) &&
        nz_dialect_from_uri(json_string_value(sv)) == NZ_DIALECT_AUTO) {
        const nz_index_entry *e = NULL;
        char *u = nz_uri_strip_fragment(json_string_value(sv), NULL);
        if (u && nz_registry_find(reg, u, false, d, &e, NULL) == NZ_OK)
            d = nz_schema_dialect_of(e->node, d);
        nz_free(u);
    }

    char gen[64];
    const char *base = c.opts.base_uri;
    if (!base) {
        snprintf(gen, sizeof gen, "urn:nz:schema:%zu", generated_id());
        base = gen;
    }
    nz_schema *s = nz_zalloc(sizeof *s);
    if (!s) {
        json_decref(copy);
        return nz_diag_set(diag, NZ_ENOMEM, NULL, NULL, "out of memory");
    }
    atomic_init(&s->refs, 1);
    s->bytes = sizeof *s;
    s->flags = c.opts.flags;
    c.s = s;
    int rc = nz_index_add(&c.local, NZ_MUT_JSON(schema), base, d);
    if (!rc)
        rc = json_is_object(schema) || json_is_boolean(schema)
                 ? NZ_OK
                 : nz_diag_set(diag, NZ_ESCHEMA, NULL, NULL,
                               "a schema must be an object or a boolean");
    if (!rc) {
        s->dialect = nz_schema_dialect_of(schema, d);
        rc = nz_schema_add_doc(s, c.local.docs[c.local.ndocs - 1]);
    }
    if (!rc)
        rc = nz_compile_node(&c, schema, base, d, base, NULL, true, &s->root);
    if (!rc)
        rc = link_dynamic_anchors(&c);
    nz_index_free(&c.local);
    nz_strmap_free(&c.by_node);
    nz_strmap_free(&c.by_res);
    nz_free(c.dyn_names);
    json_decref(copy); /* s->docs holds it */
    if (rc) {
        if (diag && diag->code == NZ_OK)
            nz_diag_set(diag, rc, NULL, NULL, "%s", nz_strerror(rc));
        else if (diag && rc == NZ_ESCHEMA && c.guessed_meta)
            note_guessed_dialect(diag, c.guessed_meta, c.guessed_as);
        schema_free(s);
        return rc;
    }
    for (size_t i = 0; i < s->nnodes; i++)
        s->bytes += sizeof(nz_node) + s->nodes[i]->nops * sizeof(nz_op);
    *out = s;
    return NZ_OK;
}

nz_schema *nz_schema_ref(nz_schema *s)
{
    if (s)
        atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
    return s;
}

void nz_schema_unref(nz_schema **sp)
{
    if (!sp || !*sp)
        return;
    nz_schema *s = *sp;
    *sp = NULL;
    if (atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) == 1)
        schema_free(s);
}

nz_dialect nz_schema_dialect(const nz_schema *s)
{
    return s ? s->dialect : NZ_DIALECT_AUTO;
}

size_t nz_schema_size(const nz_schema *s)
{
    return s ? s->bytes : 0;
}

size_t nz_schema_warning_count(const nz_schema *s)
{
    return s ? s->nwarnings : 0;
}

const nz_diag *nz_schema_warning(const nz_schema *s, size_t i)
{
    if (!s || i >= s->nwarnings)
        return NULL;
    return &s->warnings[i];
}
