/* libnormalize — JSON Schema: registries of schemas by URI, compiled
 * validators, and a cache of compiled validators.
 *
 * Drafts 4, 6, 7, 2019-09 and 2020-12. Nothing is ever fetched from the
 * network: a reference resolves only to a schema the registry holds (the
 * bundled meta-schemas, schemas added by the caller, files under mapped
 * URI prefixes).
 */
#ifndef NORMALIZE_SCHEMA_H
#define NORMALIZE_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "diag.h"
#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- registry ----------------------------------------------------------- */

/** Schemas by URI. Opaque; one owner. Adding to a registry is not
 *  thread-safe; compiling against it from several threads at once is. */
typedef struct nz_registry nz_registry;

/**
 * Open a registry that already holds the meta-schemas of every supported
 * draft (and their vocabularies).
 *
 * @param out   receives the registry (caller owns; nz_registry_close()).
 * @return NZ_OK or NZ_ENOMEM.
 */
NZ_API int nz_registry_open(nz_registry **out);

/** Close a registry and set *r to NULL; accepts NULL. Compiled schemas do
 *  not need the registry any more: they hold what they use. */
NZ_API void nz_registry_close(nz_registry **r);

/**
 * Add a schema under a URI (absolute, without fragment). Its own $id (or
 * id), and those of its subschemas, are registered too.
 *
 * @param schema  borrowed; the registry keeps its own reference.
 * @return NZ_OK, NZ_EINVAL (not an absolute URI), NZ_ESCHEMA, NZ_ENOMEM.
 */
NZ_API int nz_registry_add(nz_registry *r, const char *uri,
                           const json_t *schema, nz_diag *diag);

/** Read a schema file (JSON, or any format the readers know by its
 *  extension) and add it under its $id, or its file:// URI. */
NZ_API int nz_registry_add_file(nz_registry *r, const char *path,
                                nz_diag *diag);

/** nz_registry_add_file() for every *.json, *.yaml and *.yml file in dir
 *  (not recursive). */
NZ_API int nz_registry_add_dir(nz_registry *r, const char *dir,
                               nz_diag *diag);

/**
 * Serve URIs that start with prefix from files under dir: prefix + "a/b.json"
 * is dir/a/b.json, read when first referenced. e.g.
 * nz_registry_map(r, "http://localhost:1234/", "suite/remotes", &d).
 * Both strings are copied.
 */
NZ_API int nz_registry_map(nz_registry *r, const char *prefix,
                           const char *dir, nz_diag *diag);

/* ---- compiled schemas ----------------------------------------------------- */

/** Dialects. */
typedef enum nz_dialect {
    NZ_DIALECT_AUTO = 0, /**< from $schema; else the options' default */
    NZ_DIALECT_DRAFT4 = 4,
    NZ_DIALECT_DRAFT6 = 6,
    NZ_DIALECT_DRAFT7 = 7,
    NZ_DIALECT_2019_09 = 2019,
    NZ_DIALECT_2020_12 = 2020,
} nz_dialect;

/** Schema option flags. */
enum {
    /** "format" is an assertion in every draft. By default it asserts in
     *  drafts 4 to 7 and is an annotation in 2019-09 and 2020-12, as
     *  those drafts specify. */
    NZ_SCHEMA_ASSERT_FORMATS = 1u << 0,
};

/** Defaults of nz_schema_options.regex_match_limit and .regex_depth_limit:
 *  PCRE2's count of backtracking steps and its nesting of backtracking
 *  points, per match. Enough for any pattern in ordinary use; a
 *  catastrophic one (`^(a+)+$` on a long non-matching string) stops with
 *  NZ_EMATCHLIMIT in a fraction of a second. */
#define NZ_SCHEMA_DEFAULT_REGEX_MATCH_LIMIT 10000000u
#define NZ_SCHEMA_DEFAULT_REGEX_DEPTH_LIMIT 250000u

typedef struct nz_schema_options {
    nz_dialect dialect;         /**< used when the schema has no $schema;
                                     AUTO = 2020-12                     */
    unsigned flags;             /**< NZ_SCHEMA_* flags                   */
    const char *base_uri;       /**< base URI of the root schema when it
                                     has no $id (copied); NULL = a
                                     generated urn                      */
    uint64_t regex_match_limit; /**< PCRE2 match limit; 0 = default      */
    uint64_t regex_depth_limit; /**< PCRE2 depth limit; 0 = default      */
    size_t reserved[8];
} nz_schema_options;

/** Fill *opts with the defaults. */
NZ_API void nz_schema_options_init(nz_schema_options *opts);

/** A compiled, immutable validator. Reference counted; safe to use from
 *  many threads at once without locks. */
typedef struct nz_schema nz_schema;

/**
 * Compile a schema.
 *
 * @param out     receives a new reference (release with nz_schema_unref()).
 * @param schema  borrowed; not modified, not kept.
 * @param opts    borrowed; NULL for defaults.
 * @param reg     where references resolve (borrowed; may be NULL for the
 *                bundled meta-schemas only); not needed after the call.
 * @param diag    on failure: what is wrong, with diag->path the JSON
 *                Pointer of the offending keyword in the schema.
 * @return NZ_OK, NZ_ESCHEMA, NZ_EUNRESOLVED, NZ_EINVAL, NZ_ENOMEM.
 *
 * @code
 *   nz_schema *s;
 *   if (nz_schema_compile(&s, schema_json, NULL, reg, &d) == NZ_OK) {
 *       int ok = nz_schema_check(s, instance);   // 1 valid, 0 invalid
 *       nz_schema_unref(&s);
 *   }
 * @endcode
 */
NZ_API int nz_schema_compile(nz_schema **out, const json_t *schema,
                             const nz_schema_options *opts, nz_registry *reg,
                             nz_diag *diag);

/** Take another reference (returns s). Thread-safe. */
NZ_API nz_schema *nz_schema_ref(nz_schema *s);

/** Drop a reference and set *s to NULL; frees at the last one. Accepts
 *  NULL. Thread-safe. */
NZ_API void nz_schema_unref(nz_schema **s);

/** The dialect the schema was compiled as. */
NZ_API nz_dialect nz_schema_dialect(const nz_schema *s);

/** Bytes of memory the compiled schema holds (for cache bounds). */
NZ_API size_t nz_schema_size(const nz_schema *s);

/** Warnings of the compilation: places where the schema leans on a
 *  lenient reading (a $ref with sibling keywords in drafts 4 to 7, which
 *  are ignored; "$defs" reached by $ref in a draft that does not define it;
 *  an unknown $schema). At most 16 are kept. */
NZ_API size_t nz_schema_warning_count(const nz_schema *s);

/** Warning i (severity NZ_SEVERITY_WARNING, code NZ_OK, path the JSON
 *  Pointer in the root schema when it is there), or NULL. Owned by s. */
NZ_API const nz_diag *nz_schema_warning(const nz_schema *s, size_t i);

/**
 * Fast mode: is the instance valid? Stops at the first failure and
 * allocates nothing when the instance is valid.
 *
 * @param instance  borrowed.
 * @return 1 valid, 0 invalid, NZ_EMATCHLIMIT when a pattern could not be
 *         decided within the regex limits, NZ_EDEPTH when the schema
 *         loops on the instance (`{"$ref": "#"}`) or evaluation nests
 *         deeper than 4000 levels, NZ_EINVAL.
 */
NZ_API int nz_schema_check(const nz_schema *s, const json_t *instance);

/* ---- validation results (all-errors mode) -------------------------------- */

/** One failed assertion. All strings are owned by the nz_result. */
typedef struct nz_validation_error {
    const char *instance_location;         /**< JSON Pointer, "" = root  */
    const char *keyword_location;          /**< JSON Pointer through the
                                                schema, $refs included  */
    const char *absolute_keyword_location; /**< URI#pointer             */
    const char *keyword;                   /**< "minimum"               */
    const char *message;                   /**< "must be >= 1, got 0"   */
    const json_t *schema_value;            /**< the keyword's value     */
    const json_t *instance_value;          /**< the failing value       */
} nz_validation_error;

/** The errors of one validation. Opaque; one owner. */
typedef struct nz_result nz_result;

/**
 * All-errors mode.
 *
 * @param out        receives the result (caller owns; nz_result_free()),
 *                   also when the instance is valid (no errors then).
 * @param instance   borrowed; the result keeps references into it.
 * @param max_errors stop after this many errors; 0 = no limit.
 * @return 1 valid, 0 invalid, or a negative NZ_E* code (then *out is NULL).
 */
NZ_API int nz_schema_validate(const nz_schema *s, const json_t *instance,
                              size_t max_errors, nz_result **out);

NZ_API size_t nz_result_count(const nz_result *res);
NZ_API const nz_validation_error *nz_result_error(const nz_result *res,
                                                  size_t i);
NZ_API void nz_result_free(nz_result **res);

/* ---- cache ------------------------------------------------------------- */

/** An LRU cache of compiled schemas. Thread-safe. */
typedef struct nz_cache nz_cache;

typedef struct nz_cache_options {
    size_t max_entries; /**< 0 = default (256)                          */
    size_t max_bytes;   /**< bound on nz_schema_size() summed; 0 =
                             default (64 MiB)                           */
    size_t reserved[4];
} nz_cache_options;

typedef struct nz_cache_stats {
    uint64_t hits;
    uint64_t misses;
    uint64_t evictions;
    uint64_t compile_ns; /**< time spent compiling on misses          */
    size_t entries;
    size_t bytes;
} nz_cache_stats;

NZ_API void nz_cache_options_init(nz_cache_options *opts);
NZ_API int nz_cache_open(nz_cache **out, const nz_cache_options *opts);
NZ_API void nz_cache_close(nz_cache **c);

/**
 * The compiled form of schema, compiled on a miss. The key is the content
 * (so whitespace and key order do not matter), the dialect and the
 * options. An entry evicted while a caller holds it stays alive until
 * that caller unrefs it.
 *
 * @param out  receives a new reference (nz_schema_unref()).
 */
NZ_API int nz_cache_get(nz_cache *c, const json_t *schema,
                        const nz_schema_options *opts, nz_registry *reg,
                        nz_schema **out, nz_diag *diag);

/**
 * nz_cache_get() for a schema given as JSON text: the fast way in when the
 * text is at hand (a file's bytes, a request body, a string from Python).
 *
 * A hit on text seen before costs one hash and one comparison of the
 * text, with no parse and no tree walk. Text not seen before is parsed
 * (JSON, with the reader's default limits: depth 1000, 32 MiB) and looked
 * up by content like nz_cache_get(), so whitespace and member order still
 * do not matter; the entry then remembers this spelling too (up to 4 per
 * entry; their bytes are not counted in max_bytes).
 *
 * @param text  borrowed, len bytes, need not end in NUL.
 * @param out   receives a new reference (nz_schema_unref()).
 * @param diag  on failure; for malformed text: line and column in it,
 *              source opts->base_uri when set, else "<schema>".
 * @return as nz_cache_get(), or the reader's NZ_ESYNTAX, NZ_EUTF8,
 *         NZ_EDUPKEY, NZ_EDEPTH, NZ_ETOOBIG for text that is not one JSON
 *         value.
 *
 * @code
 *   nz_schema *s;
 *   if (nz_cache_get_text(cache, buf, n, NULL, reg, &s, &d) == NZ_OK) {
 *       int ok = nz_schema_check(s, instance);
 *       nz_schema_unref(&s);
 *   }
 * @endcode
 */
NZ_API int nz_cache_get_text(nz_cache *c, const char *text, size_t len,
                             const nz_schema_options *opts, nz_registry *reg,
                             nz_schema **out, nz_diag *diag);

/** The cached schema whose root $id is id: a new reference, or
 *  NZ_ENOTFOUND. */
NZ_API int nz_cache_get_by_id(nz_cache *c, const char *id, nz_schema **out);

NZ_API void nz_cache_stats_get(const nz_cache *c, nz_cache_stats *out);

#ifdef __cplusplus
}
#endif

#endif /* NORMALIZE_SCHEMA_H */
