/* The compiled form of a schema, shared by the compiler (compile*.c) and
 * the validator (validate.c).
 *
 * A schema compiles into a graph of nodes, one per subschema reached. A
 * node is a boolean schema or a flat array of operations, one per keyword
 * that asserts or applies something; keywords that only annotate are
 * dropped. References are resolved at compile time into node pointers
 * (cycles are fine: a node is created before its operations are filled).
 * Everything is immutable once nz_schema_compile() returns, so a compiled
 * schema is shared between threads without locks. */
#ifndef NZ_SCHEMA_COMPILE_H
#define NZ_SCHEMA_COMPILE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "normalize/error.h"
#include "schema/const_cast.h"

#include "normalize/schema.h"
#include "schema/format.h"
#include "schema/regex.h"
#include "schema/registry.h"
#include "schema/strmap.h"

typedef struct nz_node nz_node;

typedef enum nz_op_kind {
    NZ_OP_TYPE,
    NZ_OP_ENUM,
    NZ_OP_CONST,
    NZ_OP_MULTIPLE_OF,
    NZ_OP_MAXIMUM,
    NZ_OP_EXCLUSIVE_MAXIMUM,
    NZ_OP_MINIMUM,
    NZ_OP_EXCLUSIVE_MINIMUM,
    NZ_OP_MAX_LENGTH,
    NZ_OP_MIN_LENGTH,
    NZ_OP_PATTERN,
    NZ_OP_FORMAT,
    NZ_OP_MAX_ITEMS,
    NZ_OP_MIN_ITEMS,
    NZ_OP_UNIQUE_ITEMS,
    NZ_OP_MAX_PROPERTIES,
    NZ_OP_MIN_PROPERTIES,
    NZ_OP_REQUIRED,
    NZ_OP_DEPENDENT_REQUIRED, /* also draft 4-7 "dependencies" arrays */
    NZ_OP_DEPENDENT_SCHEMAS,  /* also draft 4-7 "dependencies" schemas */
    NZ_OP_PROPERTIES,
    NZ_OP_PATTERN_PROPERTIES,
    NZ_OP_ADDITIONAL_PROPERTIES,
    NZ_OP_PROPERTY_NAMES,
    NZ_OP_ITEMS_ALL,    /* one schema for every item after `count` */
    NZ_OP_PREFIX_ITEMS, /* a schema per position */
    NZ_OP_CONTAINS,
    NZ_OP_ALL_OF,
    NZ_OP_ANY_OF,
    NZ_OP_ONE_OF,
    NZ_OP_NOT,
    NZ_OP_IF,
    NZ_OP_REF,
    NZ_OP_DYNAMIC_REF,
    NZ_OP_RECURSIVE_REF,
    NZ_OP_UNEVALUATED_PROPERTIES,
    NZ_OP_UNEVALUATED_ITEMS,
    NZ_OP_CONTENT, /* draft 7: contentEncoding base64 / contentMediaType
                      application/json as assertions */
} nz_op_kind;

/* JSON types as bits, for "type". */
enum {
    NZ_T_NULL = 1,
    NZ_T_BOOLEAN = 2,
    NZ_T_OBJECT = 4,
    NZ_T_ARRAY = 8,
    NZ_T_NUMBER = 16,
    NZ_T_STRING = 32,
    NZ_T_INTEGER = 64,
};

typedef struct nz_op {
    nz_op_kind kind;
    const char *keyword;  /* "minimum" (static or owned by the schema) */
    const json_t *value;  /* the keyword's value in the schema        */
    nz_node *sub;         /* single subschema (or if's subschema)    */
    nz_node *sub2, *sub3; /* then, else                              */
    nz_node **subs;       /* arrays of subschemas                    */
    char **names;         /* property names (required, properties)   */
    size_t *name_lens;    /* their lengths: a name may hold NUL      */
    nz_regex **res;       /* patternProperties / pattern             */
    size_t n;             /* count of subs / names / res             */
    nz_strmap map;        /* name -> index+1 (properties, enum)      */
    size_t count;         /* items: first index; min/max: the bound  */
    size_t count2;        /* contains: max (SIZE_MAX = none)         */
    unsigned types;       /* NZ_T_* bits                             */
    bool flag;            /* properties: map built; enum: strings only;
                             contains: min given                      */
    nz_format_check_fn fmt;
    unsigned long long dec_mant; /* multipleOf: the divisor as a decimal */
    int dec_exp;
    const char *dyn_name; /* $dynamicRef anchor name, or NULL        */
    /* additionalProperties: the sibling keywords */
    const struct nz_op *props, *patterns;
    /* properties: the additionalProperties op it does the work of (that
     * op's flag is then set and it does nothing itself) */
    const struct nz_op *addl;
} nz_op;

/* A schema resource (a document root or a subschema with $id): the unit
 * of the dynamic scope for $dynamicRef and $recursiveRef. */
typedef struct nz_resource {
    char *uri;
    nz_node *root;
    unsigned vocab;        /* NZ_VOCAB_* active in this resource */
    bool recursive_anchor; /* root has "$recursiveAnchor": true */
    char **dyn_names;      /* $dynamicAnchor names in this resource */
    nz_node **dyn_nodes;
    size_t ndyn;
} nz_resource;

struct nz_node {
    int boolean;           /* -1: ops apply; 0: false; 1: true          */
    nz_op *ops;
    size_t nops;
    nz_resource *resource; /* innermost resource containing this node */
    bool is_resource_root;
    bool tracks;           /* has unevaluated*: needs annotations       */
    nz_dialect dialect;
    unsigned vocab;
    const json_t *json;    /* the subschema (kept alive by the schema)  */
    char *location;        /* absolute URI of the node (URI#pointer)    */
};

struct nz_schema {
    atomic_size_t refs;
    nz_dialect dialect;
    nz_node *root;
    nz_node **nodes;
    size_t nnodes, capnodes;
    nz_resource **resources;
    size_t nres, capres;
    nz_doc **docs; /* documents the nodes point into (references held) */
    size_t ndocs, capdocs;
    size_t bytes;
    unsigned flags;
    nz_diag *warnings; /* NZ_SCHEMA_MAX_WARNINGS at most */
    size_t nwarnings;
};

#define NZ_SCHEMA_MAX_WARNINGS 16

/* Compiler state (compile.c). */
typedef struct nz_compiler {
    nz_schema *s;
    nz_registry *reg;
    nz_index local;     /* the schema being compiled and its resources */
    nz_strmap by_node;  /* json_t* bytes -> nz_node*                    */
    nz_strmap by_res;   /* resource uri -> nz_resource*                 */
    nz_diag *diag;
    const json_t *root_json; /* to locate errors in the schema */
    nz_schema_options opts;
    /* the first $schema read as another draft because its meta-schema is
     * unknown or unsupported (NULL: none): a schema error then says so,
     * since the warning is lost with the schema */
    const char *guessed_meta;
    nz_dialect guessed_as;
    char **dyn_names;   /* names used by $dynamicRef, for the fixpoint */
    size_t ndyn_names;
    int depth;
} nz_compiler;

/* Compile (or find) the node for `json` whose outer base URI is `base`,
 * outer dialect `d`, and location `loc` (absolute URI + pointer, owned by
 * the caller), under `res` (NULL: a reference target; root_hint says
 * whether it is a resource's root rather than a place inside one). */
int nz_compile_node(nz_compiler *c, const json_t *json, const char *base,
                    nz_dialect d, const char *loc, nz_resource *res,
                    bool root_hint, nz_node **out);

/* Resolve a reference (the value of `keyword` in the node k compiles)
 * against k's base URI and compile its target. *entry_out (may be NULL)
 * receives the index entry the target was found by. */
struct nz_kwctx;
int nz_compile_ref(struct nz_kwctx *k, const char *keyword, const char *ref,
                   nz_node **out, const nz_index_entry **entry_out);

/* Keyword compilers: they append ops to the node being built. `loc` is the
 * node's location, `base` its own base URI. */
typedef struct nz_kwctx {
    nz_compiler *c;
    nz_node *node;
    const json_t *json;
    const char *base;
    const char *loc;
    nz_dialect d;
    unsigned vocab;
    nz_op *ops;
    size_t nops, capops;
} nz_kwctx;

/* A count keyword's value (minLength, maxItems, minContains, ...): a
 * non-negative integer, written as an integer or as an integral real
 * (2.0). Counts beyond size_t (4.1e22) become SIZE_MAX, which no string,
 * array or object can reach. Returns false for anything else. */
bool nz_json_count(const json_t *v, size_t *out);

nz_op *nz_kw_add_op(nz_kwctx *k, nz_op_kind kind, const char *keyword,
                    const json_t *value);
/* Compile the subschema at json_pointer location loc + "/" + a [+ "/" + b]. */
int nz_kw_sub(nz_kwctx *k, const json_t *json, const char *a, const char *b,
              nz_node **out);
/* Fail: a schema error at keyword path (relative to the node). */
int nz_kw_error(nz_kwctx *k, const char *keyword, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Record a warning about keyword (may be NULL) of the node k compiles. */
void nz_kw_warn(nz_kwctx *k, const char *keyword, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

int nz_compile_assertions(nz_kwctx *k);
int nz_compile_applicators(nz_kwctx *k);

/* Keep a reference to a document the schema's nodes point into. */
int nz_schema_add_doc(nz_schema *s, nz_doc *doc);

/* Free ops (and what they own) of a node whose compilation failed. */
void nz_ops_free(nz_op *ops, size_t n);

/* Track memory of the schema. */
void *nz_schema_alloc(nz_schema *s, size_t n);

/* Escape a JSON Pointer token (~ -> ~0, / -> ~1) and append to a new
 * string "base/token" (nz_free). */
char *nz_pointer_append(const char *base, const char *token);

#endif
