/* The schema compiler: nodes, resources, references (see compile.h).
 * Keyword compilers live in compile_assertions.c and
 * compile_applicators.c. */
#include "schema/compile.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/diag_set.h"
#include "schema/dialect.h"
#include "schema/uri.h"

/* Deepest nesting of subschemas compiled structurally. */
#define NZ_COMPILE_MAX_DEPTH 512

void *nz_schema_alloc(nz_schema *s, size_t n)
{
    void *p = nz_zalloc(n ? n : 1);
    if (p)
        s->bytes += n;
    return p;
}

char *nz_pointer_append(const char *base, const char *token)
{
    size_t extra = 0;
    for (const char *t = token; *t; t++)
        extra += (*t == '~' || *t == '/') ? 2 : 1;
    size_t bl = strlen(base);
    char *o = nz_alloc(bl + extra + 2);
    if (!o)
        return NULL;
    memcpy(o, base, bl);
    char *p = o + bl;
    *p++ = '/';
    for (const char *t = token; *t; t++) {
        if (*t == '~') {
            *p++ = '~';
            *p++ = '0';
        } else if (*t == '/') {
            *p++ = '~';
            *p++ = '1';
        } else {
            *p++ = *t;
        }
    }
    *p = '\0';
    return o;
}

/* ---- locating a node in the root schema, for diagnostics -------------- */

static bool find_path(const json_t *cur, const json_t *target, char *buf,
                      size_t size, size_t len, int depth)
{
    if (cur == target) {
        buf[len] = '\0';
        return true;
    }
    if (depth > 200)
        return false;
    if (json_is_object(cur)) {
        const char *k;
        json_t *v;
        json_object_foreach(NZ_MUT_JSON(cur), k, v)
        {
            size_t n = len;
            if (n + 1 >= size)
                return false;
            buf[n++] = '/';
            for (const char *t = k; *t && n + 3 < size; t++) {
                if (*t == '~' || *t == '/') {
                    buf[n++] = '~';
                    buf[n++] = *t == '~' ? '0' : '1';
                } else {
                    buf[n++] = *t;
                }
            }
            if (find_path(v, target, buf, size, n, depth + 1))
                return true;
        }
    } else if (json_is_array(cur)) {
        size_t i;
        json_t *v;
        json_array_foreach(cur, i, v)
        {
            int w = snprintf(buf + len, size - len, "/%zu", i);
            if (w < 0 || (size_t)w >= size - len)
                return false;
            if (find_path(v, target, buf, size, len + (size_t)w, depth + 1))
                return true;
        }
    }
    return false;
}

/* Set diag->path to where `node` (+ "/keyword") is in the root schema.
 * False when the node is in another document (a referenced one). */
static bool locate(nz_compiler *c, const json_t *node, const char *keyword)
{
    if (!c->diag)
        return true;
    char buf[NZ_DIAG_PATH_MAX];
    if (!find_path(c->root_json, node, buf, sizeof buf, 0, 0))
        return false;
    if (keyword) {
        char *p = nz_pointer_append(buf, keyword);
        if (p) {
            nz_diag_set_path(c->diag, p);
            nz_free(p);
        }
        return true;
    }
    nz_diag_set_path(c->diag, buf);
    return true;
}

/* An error in a referenced document: name the document as the source and
 * give the place as a URI, since the path is not in the root schema. */
static void locate_elsewhere(nz_compiler *c, const char *loc,
                             const char *keyword)
{
    if (!c->diag || !loc)
        return;
    const char *h = strchr(loc, '#');
    size_t n = h ? (size_t)(h - loc) : strlen(loc);
    if (n >= sizeof c->diag->source)
        n = sizeof c->diag->source - 1;
    memcpy(c->diag->source, loc, n);
    c->diag->source[n] = '\0';
    if (h && h[1] == '/') {
        char *p = keyword ? nz_pointer_append(h + 1, keyword) : NULL;
        nz_diag_set_path(c->diag, p ? p : h + 1);
        nz_free(p);
    }
}

int nz_kw_error(nz_kwctx *k, const char *keyword, const char *fmt, ...)
{
    if (k->c->diag) {
        char text[NZ_DIAG_TEXT_MAX];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(text, sizeof text, fmt, ap);
        va_end(ap);
        nz_diag_set(k->c->diag, NZ_ESCHEMA, NULL, NULL, "%s", text);
        if (!locate(k->c, k->json, keyword))
            locate_elsewhere(k->c, k->loc, keyword);
    }
    return NZ_ESCHEMA;
}

void nz_kw_warn(nz_kwctx *k, const char *keyword, const char *fmt, ...)
{
    nz_schema *s = k->c->s;
    if (s->nwarnings >= NZ_SCHEMA_MAX_WARNINGS)
        return;
    if (!s->warnings) {
        s->warnings = nz_zalloc(NZ_SCHEMA_MAX_WARNINGS * sizeof *s->warnings);
        if (!s->warnings)
            return; /* a warning is not worth failing the compilation */
        s->bytes += NZ_SCHEMA_MAX_WARNINGS * sizeof *s->warnings;
    }
    nz_diag *w = &s->warnings[s->nwarnings];
    char text[NZ_DIAG_TEXT_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    nz_diag_set(w, NZ_OK, NULL, NULL, "%s", text);
    w->severity = NZ_SEVERITY_WARNING;
    /* locate() writes into c->diag: point it here for the moment */
    nz_diag *saved = k->c->diag;
    k->c->diag = w;
    if (!locate(k->c, k->json, keyword))
        locate_elsewhere(k->c, k->loc, keyword);
    k->c->diag = saved;
    s->nwarnings++;
}

/* ---- nodes ------------------------------------------------------------- */

nz_op *nz_kw_add_op(nz_kwctx *k, nz_op_kind kind, const char *keyword,
                    const json_t *value)
{
    if (k->nops == k->capops) {
        size_t nc = k->capops ? k->capops * 2 : 8;
        nz_op *n = nz_realloc(k->ops, nc * sizeof *n);
        if (!n)
            return NULL;
        k->ops = n;
        k->capops = nc;
    }
    nz_op *op = &k->ops[k->nops++];
    memset(op, 0, sizeof *op);
    op->kind = kind;
    op->keyword = keyword;
    op->value = value;
    op->count2 = SIZE_MAX;
    return op;
}

int nz_kw_sub(nz_kwctx *k, const json_t *json, const char *a, const char *b,
              nz_node **out)
{
    char *l1 = nz_pointer_append(k->loc, a);
    char *l2 = (l1 && b) ? nz_pointer_append(l1, b) : NULL;
    if (!l1 || (b && !l2)) {
        nz_free(l1);
        return NZ_ENOMEM;
    }
    k->c->depth++;
    int rc;
    if (k->c->depth > NZ_COMPILE_MAX_DEPTH)
        rc = nz_kw_error(k, a, "subschemas nested deeper than %d",
                         NZ_COMPILE_MAX_DEPTH);
    else
        rc = nz_compile_node(k->c, json, k->base, k->d, b ? l2 : l1,
                             k->node->resource, false, out);
    k->c->depth--;
    nz_free(l1);
    nz_free(l2);
    return rc;
}

static int add_node(nz_schema *s, nz_node *n)
{
    if (s->nnodes == s->capnodes) {
        size_t nc = s->capnodes ? s->capnodes * 2 : 32;
        nz_node **nn = nz_realloc(s->nodes, nc * sizeof *nn);
        if (!nn)
            return NZ_ENOMEM;
        s->nodes = nn;
        s->capnodes = nc;
    }
    s->nodes[s->nnodes++] = n;
    return NZ_OK;
}

int nz_schema_add_doc(nz_schema *s, nz_doc *doc)
{
    for (size_t i = 0; i < s->ndocs; i++)
        if (s->docs[i] == doc)
            return NZ_OK;
    if (s->ndocs == s->capdocs) {
        size_t nc = s->capdocs ? s->capdocs * 2 : 4;
        nz_doc **nd = nz_realloc(s->docs, nc * sizeof *nd);
        if (!nd)
            return NZ_ENOMEM;
        s->docs = nd;
        s->capdocs = nc;
    }
    s->docs[s->ndocs++] = nz_doc_retain(doc);
    return NZ_OK;
}

/* The meta-schemas of drafts 0 to 3 (http or https, with or without the
 * empty fragment): known, but a dialect this library does not implement,
 * which the warning should say rather than call them unknown. */
static bool is_draft3_or_older(const char *uri)
{
    const char *p = strncmp(uri, "http://", 7) == 0    ? uri + 7
                    : strncmp(uri, "https://", 8) == 0 ? uri + 8
                                                       : NULL;
    static const char pre[] = "json-schema.org/draft-0";
    if (!p || strncmp(p, pre, sizeof pre - 1) != 0)
        return false;
    p += sizeof pre - 1;
    return *p >= '0' && *p <= '3' &&
           (strcmp(p + 1, "/schema") == 0 || strcmp(p + 1, "/schema#") == 0);
}

/* The vocabularies of a resource whose root declares $schema, and the
 * dialect a custom meta-schema stands for. */
static int vocab_of(nz_compiler *c, nz_kwctx *k, unsigned inherited,
                    nz_dialect *d)
{
    const json_t *sv = json_object_get(k->json, "$schema");
    if (!json_is_string(sv))
        return (int)inherited;
    const char *uri = json_string_value(sv);
    nz_dialect official = nz_dialect_from_uri(uri);
    if (official != NZ_DIALECT_AUTO)
        return NZ_VOCAB_ALL;
    char *u = nz_uri_strip_fragment(uri, NULL);
    if (!u)
        return NZ_ENOMEM;
    const nz_index_entry *e = nz_strmap_get(&c->local.resources, u,
                                            strlen(u), NULL);
    int rc = NZ_OK;
    if (!e)
        rc = nz_registry_find(c->reg, u, false, *d, &e, NULL);
    nz_free(u);
    /* A meta-schema we cannot see ("http://json-schema.org/schema#", a
     * private URI): its vocabularies are unknown, so apply the keywords
     * of the draft in effect, as most validators do, rather than refuse
     * a schema that is otherwise fine. */
    if (rc == NZ_ENOTFOUND || !json_is_object(e ? e->node : NULL)) {
        if (is_draft3_or_older(uri))
            nz_kw_warn(k, "$schema",
                       "'%s' is draft 3 or older, which is not supported: "
                       "applying the keywords of draft %s (draft 3's "
                       "boolean 'required', 'extends', 'disallow' and "
                       "'divisibleBy' do not apply)",
                       uri, nz_dialect_name(*d));
        else
            nz_kw_warn(k, "$schema",
                       "unknown meta-schema '%s': applying the keywords of "
                       "draft %s",
                       uri, nz_dialect_name(*d));
        if (!c->guessed_meta) {
            c->guessed_meta = uri;
            c->guessed_as = *d;
        }
        return (int)inherited;
    }
    if (rc)
        return rc;
    *d = nz_schema_dialect_of(e->node, *d);
    const json_t *voc = json_object_get(e->node, "$vocabulary");
    if (!json_is_object(voc) || *d < NZ_DIALECT_2019_09)
        return NZ_VOCAB_ALL;
    unsigned bits = 0;
    const char *key;
    json_t *req;
    json_object_foreach(NZ_MUT_JSON(voc), key, req)
    {
        unsigned b = nz_vocab_from_uri(key);
        if (!b && json_is_true(req))
            return nz_kw_error(k, "$schema",
                               "meta-schema '%s' requires vocabulary '%s', "
                               "which this validator does not know",
                               uri, key);
        bits |= b;
    }
    return (int)bits;
}

static nz_resource *get_resource(nz_compiler *c, const char *uri)
{
    nz_resource *r = nz_strmap_get(&c->by_res, uri, strlen(uri), NULL);
    if (r)
        return r;
    nz_schema *s = c->s;
    if (s->nres == s->capres) {
        size_t nc = s->capres ? s->capres * 2 : 8;
        nz_resource **nr = nz_realloc(s->resources, nc * sizeof *nr);
        if (!nr)
            return NULL;
        s->resources = nr;
        s->capres = nc;
    }
    r = nz_schema_alloc(s, sizeof *r);
    if (!r)
        return NULL;
    r->uri = nz_strdup(uri);
    /* until its root is compiled (a reference may reach inside first) */
    r->vocab = NZ_VOCAB_ALL;
    if (!r->uri || nz_strmap_put(&c->by_res, uri, strlen(uri), r) != NZ_OK) {
        nz_free(r->uri);
        nz_free(r);
        return NULL;
    }
    s->resources[s->nres++] = r;
    return r;
}

/* Keywords that use the annotations of their siblings go last. */
static int op_rank(const nz_op *op)
{
    switch (op->kind) {
    case NZ_OP_ADDITIONAL_PROPERTIES:
        return 1;
    case NZ_OP_UNEVALUATED_PROPERTIES:
    case NZ_OP_UNEVALUATED_ITEMS:
        return 2;
    default:
        return 0;
    }
}

static void order_and_link(nz_node *n)
{
    /* stable insertion sort by rank (a handful of ops) */
    for (size_t i = 1; i < n->nops; i++) {
        nz_op t = n->ops[i];
        size_t j = i;
        while (j > 0 && op_rank(&n->ops[j - 1]) > op_rank(&t)) {
            n->ops[j] = n->ops[j - 1];
            j--;
        }
        n->ops[j] = t;
    }
    const nz_op *props = NULL, *pats = NULL;
    for (size_t i = 0; i < n->nops; i++) {
        if (n->ops[i].kind == NZ_OP_PROPERTIES)
            props = &n->ops[i];
        else if (n->ops[i].kind == NZ_OP_PATTERN_PROPERTIES)
            pats = &n->ops[i];
    }
    for (size_t i = 0; i < n->nops; i++)
        if (n->ops[i].kind == NZ_OP_ADDITIONAL_PROPERTIES) {
            n->ops[i].props = props;
            n->ops[i].patterns = pats;
            if (props) {
                /* one pass over the members for both keywords */
                ((nz_op *)NZ_MUT(props))->addl = &n->ops[i];
                n->ops[i].flag = true;
            }
        }
}

int nz_compile_node(nz_compiler *c, const json_t *json, const char *base,
                    nz_dialect d, const char *loc, nz_resource *res,
                    bool root_hint, nz_node **out)
{
    nz_node *n = nz_strmap_get(&c->by_node, (const char *)&json,
                               sizeof json, NULL);
    if (n) {
        *out = n;
        return NZ_OK;
    }
    if (!json_is_object(json) && !json_is_boolean(json)) {
        nz_kwctx k = {.c = c, .json = json, .loc = loc};
        return nz_kw_error(&k, NULL,
                           "a schema must be an object or a boolean, got %s",
                           json_is_array(json)    ? "an array"
                           : json_is_string(json) ? "a string"
                           : json_is_null(json)   ? "null"
                                                  : "a number");
    }
    n = nz_schema_alloc(c->s, sizeof *n);
    if (!n || add_node(c->s, n) != NZ_OK) {
        nz_free(n);
        return NZ_ENOMEM;
    }
    if (nz_strmap_put(&c->by_node, (const char *)&json, sizeof json, n))
        return NZ_ENOMEM;
    *out = n;
    n->json = json;
    n->boolean = json_is_boolean(json) ? json_is_true(json) : -1;
    n->resource = res;
    n->dialect = d;
    n->vocab = res ? res->vocab : NZ_VOCAB_ALL;

    nz_kwctx k = {.c = c, .node = n, .json = json, .d = d};
    const char *fid = nz_schema_fragment_id(json, d);
    if (fid && nz_is_plain_name(fid + 1))
        nz_kw_warn(&k, "$id",
                   "'$id' must not be a fragment in draft %s: '%s' is read "
                   "as '\"$anchor\": \"%s\"', as draft 7 would",
                   nz_dialect_name(d), fid, fid + 1);
    else if (fid)
        nz_kw_warn(&k, "$id",
                   "'$id' must not be a fragment in draft %s: '%s' names "
                   "no resource and is ignored",
                   nz_dialect_name(d), fid);
    const char *id = nz_schema_id_of(json, d);
    bool new_res = (!res && root_hint) ||
                   (id && !(id[0] == '#' && d < NZ_DIALECT_2019_09));
    if (!res && !new_res) {
        /* a ref target inside a resource: the resource around it */
        res = get_resource(c, base);
        if (!res)
            return NZ_ENOMEM;
        n->resource = res;
        n->vocab = res->root ? res->vocab : NZ_VOCAB_ALL;
    }
    char *nbase = NULL, *nloc = NULL;
    if (new_res && n->boolean < 0) {
        k.d = nz_schema_dialect_of(json, d);
        int v = vocab_of(c, &k, n->vocab, &k.d);
        if (v < 0)
            return v;
        n->vocab = (unsigned)v;
        n->dialect = k.d;
        id = nz_schema_id_of(json, k.d);
    }
    if (id && new_res && !(id[0] == '#' && k.d < NZ_DIALECT_2019_09)) {
        char *abs = nz_uri_resolve(base, id);
        nbase = abs ? nz_uri_strip_fragment(abs, NULL) : NULL;
        nz_free(abs);
    } else {
        nbase = nz_strdup(base);
    }
    if (!nbase)
        return NZ_ENOMEM;
    if (new_res) {
        size_t l = strlen(nbase) + 2;
        nloc = nz_alloc(l);
        if (nloc)
            snprintf(nloc, l, "%s#", nbase);
        nz_resource *r = nloc ? get_resource(c, nbase) : NULL;
        if (!r) {
            nz_free(nbase);
            nz_free(nloc);
            return NZ_ENOMEM;
        }
        if (!r->root) {
            r->root = n;
            r->vocab = n->vocab;
            r->recursive_anchor =
                json_is_true(json_object_get(json, "$recursiveAnchor"));
        }
        n->resource = r;
        n->is_resource_root = true;
    } else {
        nloc = nz_strdup(loc);
    }
    n->location = nloc;
    if (!nloc) {
        nz_free(nbase);
        return NZ_ENOMEM;
    }
    c->s->bytes += strlen(nloc) + 1;
    if (n->boolean >= 0) {
        nz_free(nbase);
        return NZ_OK;
    }
    k.base = nbase;
    k.loc = nloc;
    k.vocab = n->vocab;
    int rc = nz_compile_applicators(&k);
    if (!rc)
        rc = nz_compile_assertions(&k);
    nz_free(nbase);
    if (rc) {
        nz_ops_free(k.ops, k.nops);
        return rc;
    }
    n->ops = k.ops;
    n->nops = k.nops;
    c->s->bytes += k.capops * sizeof(nz_op);
    for (size_t i = 0; i < n->nops; i++)
        if (n->ops[i].kind == NZ_OP_UNEVALUATED_ITEMS ||
            n->ops[i].kind == NZ_OP_UNEVALUATED_PROPERTIES)
            n->tracks = true;
    order_and_link(n);
    return NZ_OK;
}

/* ---- references -------------------------------------------------------- */

static const nz_index_entry *local_find(nz_compiler *c, const char *key,
                                        bool anchor)
{
    nz_strmap *m = anchor ? &c->local.anchors : &c->local.resources;
    return nz_strmap_get(m, key, strlen(key), NULL);
}

static int unresolved(nz_compiler *c, const char *what, const char *uri,
                      const char *where, const json_t *at_node,
                      const char *keyword)
{
    if (c->diag) {
        nz_diag_set(c->diag, NZ_EUNRESOLVED, NULL, NULL,
                    "cannot resolve %s '%s' (referenced from %s)", what, uri,
                    where);
        if (!locate(c, at_node, keyword))
            locate_elsewhere(c, where, keyword);
    }
    return NZ_EUNRESOLVED;
}

/* "the root", "'/$defs/a'": where node is in the root schema, for a
 * message. */
static void place_of(nz_compiler *c, const json_t *node, char *buf,
                     size_t size)
{
    char path[NZ_DIAG_PATH_MAX];
    if (!find_path(c->root_json, node, path, sizeof path, 0, 0))
        snprintf(buf, size, "an unknown place");
    else if (!path[0])
        snprintf(buf, size, "the root");
    else
        snprintf(buf, size, "'%s'", path);
}

/* Two different schemas of the document being compiled claim the URI a
 * reference names: the specification leaves undefined which one it
 * means (peers pick the first, the last, or refuse), so refuse, naming
 * both places. */
static int ambiguous(nz_kwctx *k, const char *keyword, const char *uri,
                     const nz_index_entry *e)
{
    char a[NZ_DIAG_PATH_MAX + 3], b[NZ_DIAG_PATH_MAX + 3];
    place_of(k->c, e->node, a, sizeof a);
    place_of(k->c, e->other, b, sizeof b);
    return nz_kw_error(k, keyword,
                       "'%s' is ambiguous: two different schemas in this "
                       "document are identified by it (at %s and %s)",
                       uri, a, b);
}

/* Follow a JSON Pointer fragment from an entry's node, applying the $id
 * of every schema passed on the way (base and dialect change as they
 * would for a structural walk). */
static int walk_pointer(const nz_index_entry *e, const char *frag,
                        const json_t **node, char **base, nz_dialect *d)
{
    const json_t *cur = e->node;
    *base = nz_strdup(e->base);
    *d = e->dialect;
    if (!*base)
        return NZ_ENOMEM;
    char *ptr = nz_uri_unescape(frag, strlen(frag));
    if (!ptr)
        return NZ_ENOMEM;
    const char *p = ptr;
    int rc = NZ_OK;
    while (*p == '/') {
        p++;
        size_t n = strcspn(p, "/");
        char *tok = nz_alloc(n + 1);
        if (!tok) {
            rc = NZ_ENOMEM;
            break;
        }
        size_t j = 0;
        for (size_t i = 0; i < n; i++) {
            if (p[i] == '~' && i + 1 < n && (p[i + 1] == '0' || p[i + 1] == '1')) {
                tok[j++] = p[i + 1] == '0' ? '~' : '/';
                i++;
            } else {
                tok[j++] = p[i];
            }
        }
        tok[j] = '\0';
        p += n;
        /* entering cur's children: cur's own $id applies */
        if (json_is_object(cur)) {
            nz_dialect nd = nz_schema_dialect_of(cur, *d);
            const char *id = nz_schema_id_of(cur, nd);
            if (id && !(id[0] == '#' && nd < NZ_DIALECT_2019_09)) {
                char *abs = nz_uri_resolve(*base, id);
                char *nb = abs ? nz_uri_strip_fragment(abs, NULL) : NULL;
                nz_free(abs);
                if (!nb) {
                    nz_free(tok);
                    rc = NZ_ENOMEM;
                    break;
                }
                nz_free(*base);
                *base = nb;
                *d = nd;
            }
            cur = json_object_get(cur, tok);
        } else if (json_is_array(cur)) {
            char *end;
            unsigned long long ix = strtoull(tok, &end, 10);
            if (!tok[0] || *end || (tok[0] == '0' && tok[1]))
                cur = NULL;
            else
                cur = json_array_get(cur, (size_t)ix);
        } else {
            cur = NULL;
        }
        nz_free(tok);
        if (!cur) {
            rc = NZ_ENOTFOUND;
            break;
        }
    }
    if (rc == NZ_OK && *p)
        rc = NZ_ENOTFOUND;
    nz_free(ptr);
    *node = cur;
    return rc;
}

int nz_compile_ref(nz_kwctx *k, const char *keyword, const char *ref,
                   nz_node **out, const nz_index_entry **entry_out)
{
    nz_compiler *c = k->c;
    char *abs = nz_uri_resolve(k->base, ref);
    const char *frag = NULL;
    char *doc = abs ? nz_uri_strip_fragment(abs, &frag) : NULL;
    if (!doc) {
        nz_free(abs);
        return NZ_ENOMEM;
    }
    if (entry_out)
        *entry_out = NULL;
    int rc = NZ_OK;
    const nz_index_entry *e = NULL;
    bool anchor = frag && *frag && frag[0] != '/';
    const char *key = anchor ? abs : doc;
    e = local_find(c, key, anchor);
    if (e && e->other) {
        rc = ambiguous(k, keyword, key, e);
        goto done;
    }
    nz_diag sub;
    nz_diag_clear(&sub);
    if (!e) {
        rc = nz_registry_find(c->reg, key, anchor, k->d, &e, &sub);
        if (rc && rc != NZ_ENOTFOUND) {
            /* a mapped file that could not be read or parsed */
            if (c->diag) {
                *c->diag = sub;
                char t[NZ_DIAG_TEXT_MAX + 1100];
                snprintf(t, sizeof t, "while resolving '%.1000s': %s", abs,
                         sub.text);
                nz_copy_clipped(c->diag->text, sizeof c->diag->text, t);
            }
            goto done;
        }
        if (!rc && e->doc && (rc = nz_schema_add_doc(c->s, e->doc)))
            goto done;
    }
    if (!e) {
        rc = unresolved(c, keyword, abs, k->loc, k->json, keyword);
        goto done;
    }
    const json_t *target = e->node;
    char *tbase = NULL;
    nz_dialect td = e->dialect;
    if (frag && strncmp(frag, "/$defs/", 7) == 0 && k->d < NZ_DIALECT_2019_09)
        nz_kw_warn(k, keyword,
                   "'$defs' is not a keyword of draft %s; '%s' resolves "
                   "as a plain JSON Pointer (use 'definitions' for this "
                   "draft)",
                   nz_dialect_name(k->d), ref);
    if (frag && frag[0] == '/') {
        rc = walk_pointer(e, frag, &target, &tbase, &td);
        if (rc == NZ_ENOTFOUND) {
            nz_free(tbase);
            rc = unresolved(c, keyword, abs, k->loc, k->json, keyword);
            goto done;
        }
    } else {
        tbase = nz_strdup(e->base);
        if (!tbase)
            rc = NZ_ENOMEM;
    }
    if (!rc)
        rc = nz_compile_node(c, target, tbase, td, abs, NULL,
                             !frag || !*frag, out);
    nz_free(tbase);
    if (!rc && entry_out)
        *entry_out = e;
done:
    nz_free(abs);
    nz_free(doc);
    return rc;
}

bool nz_json_count(const json_t *v, size_t *out)
{
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *out = (size_t)json_integer_value(v);
        return true;
    }
    if (!json_is_real(v) || !(json_real_value(v) >= 0))
        return false;
    double d = json_real_value(v);
    /* Casting a double beyond the target range is undefined: compare
     * first. (double)SIZE_MAX + 1 is exactly 2^64 (or 2^32). */
    if (d >= (double)SIZE_MAX + 1.0) {
        *out = SIZE_MAX;
        return true;
    }
    if (d != (double)(size_t)d)
        return false;
    *out = (size_t)d;
    return true;
}
