/* Error reports of all-errors mode: instance and keyword locations
 * (JSON Pointers built from the walk's stack frames, only when an error
 * is reported), absolute keyword locations and human messages such as
 * "must be >= 1, got 0". */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/strbuf.h"
#include "schema/validate_impl.h"


static void sb_token(nz_strbuf *b, const char *s, size_t n)
{
    nz_strbuf_add(b, "/", 1);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '~')
            nz_strbuf_add(b, "~0", 2);
        else if (s[i] == '/')
            nz_strbuf_add(b, "~1", 2);
        else
            nz_strbuf_add(b, s + i, 1);
    }
}

static void sb_index(nz_strbuf *b, size_t i)
{
    char t[32];
    int n = snprintf(t, sizeof t, "/%zu", i);
    nz_strbuf_add(b, t, (size_t)n);
}

static void ipath_build(nz_strbuf *b, const ipath *p)
{
    if (!p)
        return;
    ipath_build(b, p->up);
    if (p->key)
        sb_token(b, p->key, p->klen);
    else
        sb_index(b, p->idx);
}

static void kpath_build(nz_strbuf *b, const kpath *p)
{
    if (!p)
        return;
    kpath_build(b, p->up);
    sb_token(b, p->kw, strlen(p->kw));
    if (p->has == 1)
        sb_token(b, p->key, strlen(p->key));
    else if (p->has == 2)
        sb_index(b, p->idx);
}

void nz_vr_fail(vctx *c, const nz_node *n, const nz_op *op,
                 const json_t *inst, const ipath *ip, const kpath *kp,
                 const char *fmt, ...)
{
    if (!c->collect || c->stop)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    nz_strbuf il = {0}, kl = {0}, al = {0};
    nz_strbuf_add(&il, "", 0);
    kpath_build(&kl, kp);
    const char *kw = op ? op->keyword : "false";
    if (op)
        sb_token(&kl, kw, strlen(kw));
    nz_strbuf_add(&kl, "", 0);
    ipath_build(&il, ip);
    nz_strbuf_add(&al, n->location, strlen(n->location));
    if (!strchr(n->location, '#'))
        nz_strbuf_add(&al, "#", 1);
    if (op)
        sb_token(&al, kw, strlen(kw));
    int rc = NZ_ENOMEM;
    if (!il.failed && !kl.failed && !al.failed)
        rc = nz_result_add(c->res, il.s, kl.s, al.s, kw, msg,
                           op ? op->value : n->json, inst);
    nz_free(il.s);
    nz_free(kl.s);
    nz_free(al.s);
    if (rc)
        c->fatal = rc;
    if (rc || (c->max && c->res->count >= c->max))
        c->stop = true;
}

/* A short rendering of a value for messages ("0", "\"abc\"", "{...}").
 * NZ_ENOMEM when it cannot be rendered: the caller fails the validation
 * rather than report a message with a hole in it. */
static int show(const json_t *v, char *buf, size_t size)
{
    if (json_is_object(v)) {
        snprintf(buf, size, "an object");
        return 0;
    }
    if (json_is_array(v)) {
        snprintf(buf, size, "an array");
        return 0;
    }
    if (json_is_real(v)) {
        /* the shortest text that reads back the same, as it was written */
        double d = json_real_value(v);
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(buf, size, "%.*g", prec, d);
            if (strtod(buf, NULL) == d)
                break;
        }
        if (!strpbrk(buf, ".en") && strlen(buf) + 2 < size)
            strcat(buf, ".0");
        return 0;
    }
    char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    if (!t)
        return NZ_ENOMEM;
    if (strlen(t) > 60)
        snprintf(buf, size, "%.57s...", t);
    else
        snprintf(buf, size, "%s", t);
    /* jansson's allocator, which the application may have replaced */
    json_free_t jfree;
    json_get_alloc_funcs(NULL, &jfree);
    jfree(t);
    return 0;
}

/* nz_vr_fail() with up to two values rendered by show() into the message (fmt
 * has one %s per value). Kept out of line so the buffers are not part of
 * every frame of the recursive walk. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
void nz_vr_fail_shown(vctx *c, const nz_node *n, const nz_op *op,
                       const json_t *inst, const ipath *ip, const kpath *kp,
                       const char *fmt, const json_t *v1, const json_t *v2)
{
    if (!c->collect || c->stop)
        return;
    char a[96], b[96];
    if (show(v1, a, sizeof a) != 0 || (v2 && show(v2, b, sizeof b) != 0)) {
        c->fatal = NZ_ENOMEM;
        c->stop = true;
        return;
    }
    nz_vr_fail(c, n, op, inst, ip, kp, fmt, a, v2 ? b : "");
}

#if defined(__GNUC__)
__attribute__((noinline))
#endif
void nz_vr_fail_relation(vctx *c, const nz_node *n, const nz_op *op,
                          const json_t *inst, const ipath *ip,
                          const kpath *kp, const char *rel)
{
    if (!c->collect || c->stop)
        return;
    char fmt[96];
    if (rel) /* "must be >= 1, got 0" */
        snprintf(fmt, sizeof fmt, "must be %s %%s, got %%s", rel);
    else if (op->kind == NZ_OP_ENUM)
        snprintf(fmt, sizeof fmt, "must be one of the %zu enum values, got %%s",
                 json_array_size(op->value));
    else /* format */
        snprintf(fmt, sizeof fmt, "must be a valid %.60s, got %%s",
                 json_string_value(op->value));
    nz_vr_fail_shown(c, n, op, inst, ip, kp, fmt, rel ? op->value : inst,
               rel ? inst : NULL);
}

/* The names of a 'type' array, listed ("string, number or null"): the
 * generic rendering of show() would only say "an array", which tells the
 * reader nothing (OpenAPI 3.1's ["object", "boolean"] gave "must be one of
 * an array, got integer"). Compilation admits only the seven type names,
 * so the list fits the buffer. */
void nz_vr_fail_types(vctx *c, const nz_node *n, const nz_op *op,
                      const json_t *inst, const ipath *ip, const kpath *kp)
{
    char list[160] = "";
    size_t len = 0, count = json_array_size(op->value);
    for (size_t i = 0; i < count && len < sizeof list; i++) {
        const char *name = json_string_value(json_array_get(op->value, i));
        const char *sep = i == 0 ? "" : i + 1 == count ? " or " : ", ";
        int w = snprintf(list + len, sizeof list - len, "%s%s", sep,
                         name ? name : "?");
        if (w < 0)
            break;
        len += (size_t)w;
    }
    if (count == 0) /* "type": [] admits nothing */
        nz_vr_fail(c, n, op, inst, ip, kp,
                   "no type is allowed ('type' is []), got %s",
                   nz_vr_type_name(inst));
    else
        nz_vr_fail(c, n, op, inst, ip, kp, "must be %s, got %s", list,
                   nz_vr_type_name(inst));
}

const char *nz_vr_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "object";
    case JSON_ARRAY:
        return "array";
    case JSON_STRING:
        return "string";
    case JSON_INTEGER:
        return "integer";
    case JSON_REAL:
        return "number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "boolean";
    default:
        return "null";
    }
}
