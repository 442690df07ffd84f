/* Validation internals shared by the walk (validate.c), its error reports
 * (validate_report.c) and the draft 7 content checks
 * (validate_content.c). */
#ifndef NZ_SCHEMA_VALIDATE_IMPL_H
#define NZ_SCHEMA_VALIDATE_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "schema/compile.h"
#include "schema/validate.h"

typedef struct ipath {
    const struct ipath *up;
    const char *key; /* NULL: array index */
    size_t klen;
    size_t idx;
} ipath;

typedef struct kpath {
    const struct kpath *up;
    const char *kw;
    const char *key; /* optional member name */
    size_t idx;
    int has; /* 0: keyword only, 1: + key, 2: + index */
} kpath;

typedef struct scope {
    const struct scope *up;
    const nz_resource *res;
} scope;

#define ANNOT_STACK_WORDS 4
typedef struct annot {
    uint64_t *bits;
    size_t words;
    uint64_t buf[ANNOT_STACK_WORDS];
} annot;

/* The chain of subschemas being evaluated, innermost first: a subschema
 * reached again on the same instance inside itself (`{"$ref": "#"}`)
 * would loop forever. */
typedef struct frame {
    const struct frame *up;
    const nz_node *node;
    const json_t *inst;
} frame;

/* Deepest evaluation (nested subschemas and instance levels together);
 * bounds the C stack. */
#define NZ_VALIDATE_MAX_DEPTH 4000

typedef struct vctx {
    const frame *top;
    unsigned depth;
    const nz_schema *s;
    nz_result *res;
    size_t max;
    bool collect;
    bool stop;
    int fatal;
} vctx;


/* ---- error reports (validate_report.c; all-errors mode only) ----------- */

/* Add an error for op (NULL: a false schema) of node n at the instance
 * path ip and keyword path kp, unless the walk is not collecting. */
void nz_vr_fail(vctx *c, const nz_node *n, const nz_op *op,
                const json_t *inst, const ipath *ip, const kpath *kp,
                const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;

/* nz_vr_fail() with up to two values shown in the message (fmt has one %s
 * per value; v2 may be NULL). */
void nz_vr_fail_shown(vctx *c, const nz_node *n, const nz_op *op,
                      const json_t *inst, const ipath *ip, const kpath *kp,
                      const char *fmt, const json_t *v1, const json_t *v2);

/* "must be <rel> <value>, got <instance>"; rel NULL: the message of op's
 * keyword (enum, format). */
void nz_vr_fail_relation(vctx *c, const nz_node *n, const nz_op *op,
                         const json_t *inst, const ipath *ip,
                         const kpath *kp, const char *rel);

/* "must be object or boolean, got integer": a failed 'type' whose value is
 * an array of type names. */
void nz_vr_fail_types(vctx *c, const nz_node *n, const nz_op *op,
                      const json_t *inst, const ipath *ip, const kpath *kp);

/* "integer", "number", "string", ... for messages. */
const char *nz_vr_type_name(const json_t *v);

/* ---- draft 7 content assertions (validate_content.c) ----------------- */

extern const char nz_content_nomem[];

/* Why a string fails contentEncoding / contentMediaType (op is an
 * NZ_OP_CONTENT), nz_content_nomem, or NULL when it passes. */
const char *nz_content_error(const nz_op *op, const char *s, size_t len);

#endif
