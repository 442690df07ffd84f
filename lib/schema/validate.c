/* Validation: running a compiled schema against an instance.
 *
 * One recursive walk serves both modes. In fast mode (nz_schema_check) the
 * walk stops at the first failure and builds nothing: instance and keyword
 * paths are linked lists of stack frames, turned into strings only when an
 * error is reported in all-errors mode (nz_schema_validate).
 *
 * unevaluatedProperties/Items need to know what the other keywords of
 * their schema evaluated. A node that has them ("tracks") gets a bit set
 * over the instance's members; applicators in place (allOf, $ref, if, ...)
 * evaluate their subschema into a fresh set and merge it only when that
 * subschema passed, as annotations of failed subschemas are dropped. Small
 * sets live on the stack, so the happy path allocates nothing for objects
 * and arrays of up to 256 members. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "normalize/error.h"
#include "schema/compile.h"
#include "schema/dialect.h"
#include "schema/equal.h"
#include "schema/number.h"
#include "schema/validate_impl.h"

/* ---- annotation bit sets ------------------------------------------------ */

static int annot_init(annot *a, const json_t *inst)
{
    size_t n = json_is_object(inst)  ? json_object_size(inst)
               : json_is_array(inst) ? json_array_size(inst)
                                     : 0;
    a->words = (n + 63) / 64;
    if (a->words <= ANNOT_STACK_WORDS) {
        a->bits = a->buf;
        memset(a->buf, 0, sizeof a->buf);
        return NZ_OK;
    }
    a->bits = nz_zalloc(a->words * sizeof *a->bits);
    return a->bits ? NZ_OK : NZ_ENOMEM;
}

static void annot_free(annot *a)
{
    if (a->bits != a->buf)
        nz_free(a->bits);
}

static void annot_mark(annot *a, size_t i)
{
    if (a && i / 64 < a->words)
        a->bits[i / 64] |= 1ull << (i % 64);
}

static bool annot_has(const annot *a, size_t i)
{
    return a && i / 64 < a->words && (a->bits[i / 64] >> (i % 64)) & 1;
}

static void annot_merge(annot *dst, const annot *src)
{
    for (size_t i = 0; i < dst->words && i < src->words; i++)
        dst->bits[i] |= src->bits[i];
}

/* ---- the walk ------------------------------------------------------------ */

static int vnode(vctx *c, const nz_node *n, const json_t *inst,
                 const ipath *ip, const kpath *kp, const scope *sc,
                 annot *ann);
static int vnode_ops(vctx *c, const nz_node *n, const json_t *inst,
                     const ipath *ip, const kpath *kp, const scope *sc,
                     annot *ann);

/* Evaluate a subschema on the same instance; its annotations count only
 * when it passes. */
static int inplace(vctx *c, const nz_node *sub, const json_t *inst,
                   const ipath *ip, const kpath *kp, const scope *sc,
                   annot *ann)
{
    if (!ann)
        return vnode(c, sub, inst, ip, kp, sc, NULL);
    annot t;
    if (annot_init(&t, inst))
        return NZ_ENOMEM;
    int r = vnode(c, sub, inst, ip, kp, sc, &t);
    if (r == 1)
        annot_merge(ann, &t);
    annot_free(&t);
    return r;
}

static unsigned inst_types(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return NZ_T_OBJECT;
    case JSON_ARRAY:
        return NZ_T_ARRAY;
    case JSON_STRING:
        return NZ_T_STRING;
    case JSON_INTEGER:
        return NZ_T_NUMBER | NZ_T_INTEGER;
    case JSON_REAL:
        return NZ_T_NUMBER | (nz_num_is_integral(v) ? NZ_T_INTEGER : 0);
    case JSON_TRUE:
    case JSON_FALSE:
        return NZ_T_BOOLEAN;
    default:
        return NZ_T_NULL;
    }
}

static size_t utf8_length(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            count++;
    return count;
}

/* A property name for a message: a NUL in it (YAML's "\0") is shown as
 * \0 instead of ending the text there; cut to fit. */
static const char *shown_name(char *buf, size_t size, const char *s,
                              size_t len)
{
    size_t o = 0;
    for (size_t i = 0; i < len && o + 3 < size; i++) {
        if (s[i] == '\0') {
            buf[o++] = '\\';
            buf[o++] = '0';
        } else {
            buf[o++] = s[i];
        }
    }
    buf[o] = '\0';
    return buf;
}

static const nz_node *dynamic_target(const nz_op *op, const scope *sc)
{
    const nz_node *found = NULL;
    for (const scope *s = sc; s; s = s->up) {
        const nz_resource *r = s->res;
        if (!r)
            continue;
        if (op->kind == NZ_OP_RECURSIVE_REF) {
            if (r->recursive_anchor && r->root)
                found = r->root; /* keep going: the outermost wins */
        } else {
            for (size_t i = 0; i < r->ndyn; i++)
                if (strcmp(r->dyn_names[i], op->dyn_name) == 0)
                    found = r->dyn_nodes[i];
        }
    }
    return found;
}

#define KP(name, parent, kwv) kpath name = {(parent), (kwv), NULL, 0, 0}

/* additionalProperties for one member not named in "properties": 2 when
 * a patternProperties pattern covers it, else the result of its schema. */
static int additional(vctx *c, const nz_node *n, const nz_op *op,
                      const json_t *inst, const char *key, size_t klen,
                      const json_t *val, const ipath *ip, const ipath *ip2,
                      const kpath *kp, const scope *sc, annot *ann, size_t my)
{
    if (op->patterns)
        for (size_t i = 0; i < op->patterns->n; i++) {
            int m = nz_regex_search(op->patterns->res[i], key, klen);
            if (m != 0)
                return m < 0 ? m : 2;
        }
    annot_mark(ann, my);
    if (op->sub->boolean == 0) {
        /* say which property, at the object */
        nz_vr_fail(c, n, op, inst, ip, kp,
             "must not have the additional property '%.*s'", (int)klen, key);
        return 0;
    }
    KP(k2, kp, op->keyword);
    return vnode(c, op->sub, val, ip2, &k2, sc, NULL);
}

#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int any_one_of(vctx *c, const nz_node *n, const nz_op *op,
                      const json_t *inst, const ipath *ip, const kpath *kp,
                      const scope *sc, annot *ann)
{
    int r;
        bool one = op->kind == NZ_OP_ONE_OF;
        size_t valid = 0, first = 0;
        bool saved = c->collect;
        c->collect = false;
        annot keep;
        bool kept = false;
        r = 0;
        for (size_t i = 0; i < op->n; i++) {
            kpath k2 = {kp, op->keyword, NULL, i, 2};
            annot t;
            if (ann && annot_init(&t, inst)) {
                r = NZ_ENOMEM;
                break;
            }
            r = vnode(c, op->subs[i], inst, ip, &k2, sc, ann ? &t : NULL);
            if (r == 1) {
                if (valid++ == 0)
                    first = i;
                if (ann && !one) {
                    annot_merge(ann, &t);
                } else if (ann && !kept) {
                    keep = t;
                    if (t.bits == t.buf)
                        keep.bits = keep.buf;
                    kept = true;
                    r = 1;
                    goto next;
                }
            }
            if (ann)
                annot_free(&t);
        next:
            if (r < 0)
                break;
            if (valid && !one && !ann)
                break;
            if (one && valid > 1)
                break;
        }
        c->collect = saved;
        if (r < 0) {
            if (kept)
                annot_free(&keep);
            return r;
        }
        bool ok = one ? valid == 1 : valid > 0;
        if (kept) {
            if (ok)
                annot_merge(ann, &keep);
            annot_free(&keep);
        }
        if (!ok) {
            if (!one)
                nz_vr_fail(c, n, op, inst, ip, kp,
                     "must match at least one of the %zu schemas in anyOf",
                     op->n);
            else if (valid == 0)
                nz_vr_fail(c, n, op, inst, ip, kp,
                     "must match exactly one of the %zu schemas in oneOf, "
                     "matched none",
                     op->n);
            else
                nz_vr_fail(c, n, op, inst, ip, kp,
                     "must match exactly one schema in oneOf, but matched "
                     "schemas %zu and more",
                     first);
        }
        return ok;
    }

#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int if_then_else(vctx *c, const nz_op *op, const json_t *inst,
                        const ipath *ip, const kpath *kp, const scope *sc,
                        annot *ann)
{
    int r;
        bool saved = c->collect;
        c->collect = false;
        KP(k2, kp, op->keyword);
        annot t;
        if (ann && annot_init(&t, inst)) {
            c->collect = saved;
            return NZ_ENOMEM;
        }
        r = vnode(c, op->sub, inst, ip, &k2, sc, ann ? &t : NULL);
        c->collect = saved;
        if (ann) {
            if (r == 1)
                annot_merge(ann, &t);
            annot_free(&t);
        }
        if (r < 0)
            return r;
        const nz_node *branch = r ? op->sub2 : op->sub3;
        if (!branch)
            return 1;
        KP(k3, kp, r ? "then" : "else");
        return inplace(c, branch, inst, ip, &k3, sc, ann);
    }

static int vop(vctx *c, const nz_node *n, const nz_op *op,
               const json_t *inst, const ipath *ip, const kpath *kp,
               const scope *sc, annot *ann)
{
    int r;
    switch (op->kind) {
    case NZ_OP_TYPE: {
        unsigned t = inst_types(inst);
        if (op->flag && json_is_real(inst))
            t &= ~(unsigned)NZ_T_INTEGER;
        if (t & op->types)
            return 1;
        if (c->collect) {
            if (json_is_string(op->value))
                nz_vr_fail(c, n, op, inst, ip, kp, "must be %s, got %s",
                     json_string_value(op->value), nz_vr_type_name(inst));
            else
                nz_vr_fail_types(c, n, op, inst, ip, kp);
        }
        return 0;
    }
    case NZ_OP_ENUM: {
        if (op->flag) {
            if (json_is_string(inst) &&
                nz_strmap_get(&op->map, json_string_value(inst),
                              json_string_length(inst), NULL))
                return 1;
        } else {
            size_t i;
            json_t *e;
            json_array_foreach(op->value, i, e)
            {
                if (nz_json_equal(e, inst))
                    return 1;
            }
        }
        nz_vr_fail_relation(c, n, op, inst, ip, kp, NULL);
        return 0;
    }
    case NZ_OP_CONST:
        if (nz_json_equal(op->value, inst))
            return 1;
        nz_vr_fail_shown(c, n, op, inst, ip, kp, "must be equal to %s, got %s",
                   op->value, inst);
        return 0;
    case NZ_OP_MULTIPLE_OF:
    case NZ_OP_MAXIMUM:
    case NZ_OP_EXCLUSIVE_MAXIMUM:
    case NZ_OP_MINIMUM:
    case NZ_OP_EXCLUSIVE_MINIMUM: {
        if (!json_is_number(inst))
            return 1;
        const char *rel;
        bool ok;
        if (op->kind == NZ_OP_MULTIPLE_OF) {
            ok = nz_num_is_multiple_prepared(inst, op->value, op->dec_mant,
                                             op->dec_exp);
            rel = "a multiple of";
        } else {
            int cmp = nz_num_cmp(inst, op->value);
            switch (op->kind) {
            case NZ_OP_MAXIMUM:
                ok = cmp <= 0;
                rel = "<=";
                break;
            case NZ_OP_EXCLUSIVE_MAXIMUM:
                ok = cmp < 0;
                rel = "<";
                break;
            case NZ_OP_MINIMUM:
                ok = cmp >= 0;
                rel = ">=";
                break;
            default:
                ok = cmp > 0;
                rel = ">";
                break;
            }
        }
        if (!ok)
            nz_vr_fail_relation(c, n, op, inst, ip, kp, rel);
        return ok;
    }
    case NZ_OP_MAX_LENGTH:
    case NZ_OP_MIN_LENGTH: {
        if (!json_is_string(inst))
            return 1;
        size_t len = utf8_length(json_string_value(inst),
                                 json_string_length(inst));
        bool max = op->kind == NZ_OP_MAX_LENGTH;
        bool ok = max ? len <= op->count : len >= op->count;
        if (!ok)
            nz_vr_fail(c, n, op, inst, ip, kp,
                 "must be at %s %zu character%s long, got %zu",
                 max ? "most" : "least", op->count,
                 op->count == 1 ? "" : "s", len);
        return ok;
    }
    case NZ_OP_PATTERN: {
        if (!json_is_string(inst))
            return 1;
        r = nz_regex_search(op->res[0], json_string_value(inst),
                            json_string_length(inst));
        if (r < 0)
            return r;
        if (!r)
            nz_vr_fail(c, n, op, inst, ip, kp, "must match the pattern '%s'",
                 json_string_value(op->value));
        return r;
    }
    case NZ_OP_FORMAT: {
        if (!json_is_string(inst))
            return 1;
        if (op->fmt(json_string_value(inst), json_string_length(inst)))
            return 1;
        nz_vr_fail_relation(c, n, op, inst, ip, kp, NULL);
        return 0;
    }
    case NZ_OP_CONTENT: {
        if (!json_is_string(inst))
            return 1;
        const char *why = nz_content_error(op, json_string_value(inst),
                                        json_string_length(inst));
        if (!why)
            return 1;
        if (why == nz_content_nomem)
            return NZ_ENOMEM;
        nz_vr_fail(c, n, op, inst, ip, kp, "%s", why);
        return 0;
    }
    case NZ_OP_MAX_ITEMS:
    case NZ_OP_MIN_ITEMS:
    case NZ_OP_MAX_PROPERTIES:
    case NZ_OP_MIN_PROPERTIES: {
        bool items = op->kind == NZ_OP_MAX_ITEMS || op->kind == NZ_OP_MIN_ITEMS;
        if (items ? !json_is_array(inst) : !json_is_object(inst))
            return 1;
        size_t cnt = items ? json_array_size(inst) : json_object_size(inst);
        bool max = op->kind == NZ_OP_MAX_ITEMS ||
                   op->kind == NZ_OP_MAX_PROPERTIES;
        bool ok = max ? cnt <= op->count : cnt >= op->count;
        if (!ok)
            nz_vr_fail(c, n, op, inst, ip, kp, "must have at %s %zu %s, got %zu",
                 max ? "most" : "least", op->count,
                 items ? (op->count == 1 ? "item" : "items")
                       : (op->count == 1 ? "property" : "properties"),
                 cnt);
        return ok;
    }
    case NZ_OP_UNIQUE_ITEMS: {
        if (!json_is_array(inst))
            return 1;
        size_t cnt = json_array_size(inst);
        for (size_t i = 0; i < cnt; i++)
            for (size_t j = i + 1; j < cnt; j++)
                if (nz_json_equal(json_array_get(inst, i),
                                  json_array_get(inst, j))) {
                    nz_vr_fail(c, n, op, inst, ip, kp,
                         "must have unique items, but items %zu and %zu are "
                         "equal",
                         i, j);
                    return 0;
                }
        return 1;
    }
    case NZ_OP_REQUIRED: {
        if (!json_is_object(inst))
            return 1;
        int ok = 1;
        for (size_t i = 0; i < op->n; i++)
            if (!json_object_getn(inst, op->names[i], op->name_lens[i])) {
                ok = 0;
                if (!c->collect)
                    return 0;
                char shown[128];
                nz_vr_fail(c, n, op, inst, ip, kp,
                     "must have the required property '%s'",
                     shown_name(shown, sizeof shown, op->names[i],
                                op->name_lens[i]));
            }
        return ok;
    }
    case NZ_OP_DEPENDENT_REQUIRED: {
        if (!json_is_object(inst))
            return 1;
        int ok = 1;
        const char *key;
        size_t klen;
        json_t *list;
        json_object_keylen_foreach(NZ_MUT_JSON(op->value), key, klen, list)
        {
            if (!json_is_array(list) || !json_object_getn(inst, key, klen))
                continue;
            size_t i;
            json_t *e;
            json_array_foreach(list, i, e)
            {
                if (json_object_getn(inst, json_string_value(e),
                                     json_string_length(e)))
                    continue;
                ok = 0;
                if (!c->collect)
                    return 0;
                char need[128], have[128];
                nz_vr_fail(c, n, op, inst, ip, kp,
                     "must have property '%s' when property '%s' is present",
                     shown_name(need, sizeof need, json_string_value(e),
                                json_string_length(e)),
                     shown_name(have, sizeof have, key, klen));
            }
        }
        return ok;
    }
    case NZ_OP_DEPENDENT_SCHEMAS: {
        if (!json_is_object(inst))
            return 1;
        int ok = 1;
        for (size_t i = 0; i < op->n; i++) {
            if (!json_object_getn(inst, op->names[i], op->name_lens[i]))
                continue;
            kpath k2 = {kp, op->keyword, op->names[i], 0, 1};
            r = inplace(c, op->subs[i], inst, ip, &k2, sc, ann);
            if (r < 0)
                return r;
            if (!r) {
                ok = 0;
                if (!c->collect)
                    return 0;
            }
        }
        return ok;
    }
    case NZ_OP_PROPERTIES:
    case NZ_OP_PATTERN_PROPERTIES:
    case NZ_OP_ADDITIONAL_PROPERTIES:
    case NZ_OP_UNEVALUATED_PROPERTIES:
    case NZ_OP_PROPERTY_NAMES: {
        if (!json_is_object(inst))
            return 1;
        int ok = 1;
        size_t idx = 0;
        const char *key;
        size_t klen;
        json_t *val;
        /* an explicit iterator: jansson's foreach macros look every key
         * up again in the hash table to step */
        json_t *obj = NZ_MUT_JSON(inst);
        for (void *it = json_object_iter(obj); it;
             it = json_object_iter_next(obj, it)) {
            key = json_object_iter_key(it);
            klen = json_object_iter_key_len(it);
            val = json_object_iter_value(it);
            size_t my = idx++;
            ipath ip2 = {ip, key, klen, 0};
            if (op->kind == NZ_OP_PROPERTY_NAMES) {
                json_t *ks = json_stringn_nocheck(key, klen);
                if (!ks)
                    return NZ_ENOMEM;
                KP(k2, kp, op->keyword);
                r = vnode(c, op->sub, ks, &ip2, &k2, sc, NULL);
                json_decref(ks);
            } else if (op->kind == NZ_OP_PROPERTIES) {
                size_t at = (size_t)nz_strmap_get(&op->map, key, klen, NULL);
                if (!at && !op->addl)
                    continue;
                if (!at) {
                    /* additionalProperties, merged here to look each key
                     * up once */
                    r = additional(c, n, op->addl, inst, key, klen, val, ip,
                                   &ip2, kp, sc, ann, my);
                    if (r == 2)
                        continue;
                    if (r < 0)
                        return r;
                    if (!r) {
                        ok = 0;
                        if (!c->collect)
                            return 0;
                    }
                    continue;
                }
                kpath k2 = {kp, op->keyword, op->names[at - 1], 0, 1};
                r = vnode(c, op->subs[at - 1], val, &ip2, &k2, sc, NULL);
                annot_mark(ann, my);
            } else if (op->kind == NZ_OP_PATTERN_PROPERTIES) {
                r = 1;
                for (size_t i = 0; i < op->n; i++) {
                    int m = nz_regex_search(op->res[i], key, klen);
                    if (m < 0)
                        return m;
                    if (!m)
                        continue;
                    annot_mark(ann, my);
                    kpath k2 = {kp, op->keyword, op->names[i], 0, 1};
                    int r2 = vnode(c, op->subs[i], val, &ip2, &k2, sc, NULL);
                    if (r2 < 0)
                        return r2;
                    if (!r2) {
                        r = 0;
                        if (!c->collect)
                            break;
                    }
                }
            } else if (op->kind == NZ_OP_ADDITIONAL_PROPERTIES) {
                if (op->flag)
                    return 1; /* done by the properties op (see below) */
                r = additional(c, n, op, inst, key, klen, val, ip, &ip2, kp,
                               sc, ann, my);
                if (r == 2)
                    continue;
            } else { /* unevaluatedProperties */
                if (annot_has(ann, my))
                    continue;
                if (op->sub->boolean == 0) {
                    nz_vr_fail(c, n, op, inst, ip, kp,
                         "must not have the unevaluated property '%.*s'",
                         (int)klen, key);
                    r = 0;
                } else {
                    KP(k2, kp, op->keyword);
                    r = vnode(c, op->sub, val, &ip2, &k2, sc, NULL);
                    if (r == 1)
                        annot_mark(ann, my);
                }
            }
            if (r < 0)
                return r;
            if (!r) {
                ok = 0;
                if (!c->collect)
                    return 0;
            }
        }
        return ok;
    }
    case NZ_OP_PREFIX_ITEMS:
    case NZ_OP_ITEMS_ALL:
    case NZ_OP_UNEVALUATED_ITEMS: {
        if (!json_is_array(inst))
            return 1;
        int ok = 1;
        size_t cnt = json_array_size(inst);
        size_t from = op->kind == NZ_OP_ITEMS_ALL ? op->count : 0;
        size_t to = op->kind == NZ_OP_PREFIX_ITEMS && op->n < cnt ? op->n : cnt;
        for (size_t i = from; i < to; i++) {
            ipath ip2 = {ip, NULL, 0, i};
            if (op->kind == NZ_OP_UNEVALUATED_ITEMS) {
                if (annot_has(ann, i))
                    continue;
                KP(k2, kp, op->keyword);
                r = vnode(c, op->sub, json_array_get(inst, i), &ip2, &k2, sc,
                          NULL);
                if (r == 1)
                    annot_mark(ann, i);
            } else if (op->kind == NZ_OP_PREFIX_ITEMS) {
                kpath k2 = {kp, op->keyword, NULL, i, 2};
                r = vnode(c, op->subs[i], json_array_get(inst, i), &ip2, &k2,
                          sc, NULL);
                annot_mark(ann, i);
            } else {
                KP(k2, kp, op->keyword);
                r = vnode(c, op->sub, json_array_get(inst, i), &ip2, &k2, sc,
                          NULL);
                annot_mark(ann, i);
            }
            if (r < 0)
                return r;
            if (!r) {
                ok = 0;
                if (!c->collect)
                    return 0;
            }
        }
        return ok;
    }
    case NZ_OP_CONTAINS: {
        if (!json_is_array(inst))
            return 1;
        size_t cnt = json_array_size(inst), matches = 0;
        bool mark = ann && n->dialect >= NZ_DIALECT_2020_12;
        bool saved = c->collect;
        c->collect = false;
        for (size_t i = 0; i < cnt; i++) {
            ipath ip2 = {ip, NULL, 0, i};
            KP(k2, kp, op->keyword);
            r = vnode(c, op->sub, json_array_get(inst, i), &ip2, &k2, sc,
                      NULL);
            if (r < 0) {
                c->collect = saved;
                return r;
            }
            if (r) {
                matches++;
                if (mark)
                    annot_mark(ann, i);
                else if (matches >= op->count && op->count2 == SIZE_MAX)
                    break;
            }
        }
        c->collect = saved;
        if (matches < op->count) {
            nz_vr_fail(c, n, op, inst, ip, kp,
                 "must contain at least %zu matching item%s, got %zu",
                 op->count, op->count == 1 ? "" : "s", matches);
            return 0;
        }
        if (matches > op->count2) {
            nz_vr_fail(c, n, op, inst, ip, kp,
                 "must contain at most %zu matching items, got %zu",
                 op->count2, matches);
            return 0;
        }
        return 1;
    }
    case NZ_OP_ALL_OF: {
        int ok = 1;
        for (size_t i = 0; i < op->n; i++) {
            kpath k2 = {kp, op->keyword, NULL, i, 2};
            r = inplace(c, op->subs[i], inst, ip, &k2, sc, ann);
            if (r < 0)
                return r;
            if (!r) {
                ok = 0;
                if (!c->collect)
                    return 0;
            }
        }
        return ok;
    }
    case NZ_OP_ANY_OF:
    case NZ_OP_ONE_OF:
        return any_one_of(c, n, op, inst, ip, kp, sc, ann);
    case NZ_OP_NOT: {
        bool saved = c->collect;
        c->collect = false;
        KP(k2, kp, op->keyword);
        r = vnode(c, op->sub, inst, ip, &k2, sc, NULL);
        c->collect = saved;
        if (r < 0)
            return r;
        if (r)
            nz_vr_fail(c, n, op, inst, ip, kp, "must not match the schema in 'not'");
        return !r;
    }
    case NZ_OP_IF:
        return if_then_else(c, op, inst, ip, kp, sc, ann);
    case NZ_OP_REF:
    case NZ_OP_RECURSIVE_REF:
    case NZ_OP_DYNAMIC_REF: {
        const nz_node *t = op->sub;
        if (op->kind == NZ_OP_RECURSIVE_REF && t->is_resource_root &&
            t->resource && t->resource->recursive_anchor) {
            const nz_node *d = dynamic_target(op, sc);
            if (d)
                t = d;
        } else if (op->kind == NZ_OP_DYNAMIC_REF && op->dyn_name) {
            const nz_node *d = dynamic_target(op, sc);
            if (d)
                t = d;
        }
        KP(k2, kp, op->keyword);
        return inplace(c, t, inst, ip, &k2, sc, ann);
    }
    }
    return 1;
}

static int vnode(vctx *c, const nz_node *n, const json_t *inst,
                 const ipath *ip, const kpath *kp, const scope *sc,
                 annot *ann)
{
    if (c->stop)
        return 0;
    if (n->boolean == 1)
        return 1;
    /* frames of the same instance are contiguous at the top */
    for (const frame *f = c->top; f && f->inst == inst; f = f->up)
        if (f->node == n)
            return NZ_EDEPTH; /* an endless cycle of references */
    if (c->depth >= NZ_VALIDATE_MAX_DEPTH)
        return NZ_EDEPTH;
    frame me = {c->top, n, inst};
    c->top = &me;
    c->depth++;
    int valid = vnode_ops(c, n, inst, ip, kp, sc, ann);
    c->top = me.up;
    c->depth--;
    return valid;
}

static int vnode_ops(vctx *c, const nz_node *n, const json_t *inst,
                     const ipath *ip, const kpath *kp, const scope *sc,
                     annot *ann)
{
    if (n->boolean == 0) {
        nz_vr_fail(c, n, NULL, inst, ip, kp, "no value is allowed here (false schema)");
        return 0;
    }
    scope s2;
    if (!sc || sc->res != n->resource) {
        s2.up = sc;
        s2.res = n->resource;
        sc = &s2;
    }
    annot local, *use = ann;
    bool own = n->tracks && (json_is_object(inst) || json_is_array(inst));
    if (own) {
        if (annot_init(&local, inst))
            return NZ_ENOMEM;
        use = &local;
    }
    int valid = 1;
    for (size_t i = 0; i < n->nops; i++) {
        int r = vop(c, n, &n->ops[i], inst, ip, kp, sc, use);
        if (r < 0) {
            valid = r;
            break;
        }
        if (r == 0) {
            valid = 0;
            if (!c->collect || c->stop)
                break;
        }
    }
    if (own) {
        if (valid == 1 && ann)
            annot_merge(ann, &local);
        annot_free(&local);
    }
    return valid;
}

/* The dynamic scope's stack of resources is innermost-first; $dynamicRef
 * and $recursiveRef want the outermost match, which dynamic_target()
 * finds by walking the whole chain. */

int nz_schema_check(const nz_schema *s, const json_t *instance)
{
    if (!s || !instance)
        return NZ_EINVAL;
    vctx c = {.s = s};
    int r = vnode(&c, s->root, instance, NULL, NULL, NULL, NULL);
    return r;
}

int nz_schema_validate(const nz_schema *s, const json_t *instance,
                       size_t max_errors, nz_result **out)
{
    if (!out)
        return NZ_EINVAL;
    *out = NULL;
    if (!s || !instance)
        return NZ_EINVAL;
    nz_result *res = nz_zalloc(sizeof *res);
    if (!res)
        return NZ_ENOMEM;
    vctx c = {.s = s, .res = res, .max = max_errors, .collect = true};
    int r = vnode(&c, s->root, instance, NULL, NULL, NULL, NULL);
    if (c.fatal)
        r = c.fatal;
    if (r < 0) {
        nz_result_free(&res);
        return r;
    }
    if (r == 0 && res->count == 0) {
        /* invalid without a report (cannot happen; keep the contract
         * "invalid has at least one error") */
        nz_result_add(res, "", "", s->root->location, "", "invalid",
                      s->root->json, instance);
    }
    *out = res;
    return r;
}
