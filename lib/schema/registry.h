/* Registry internals shared with the compiler.
 *
 * An index maps absolute URIs (no fragment) to schema resources and
 * "URI#name" to anchors. The registry holds one index plus the documents
 * it owns and the URI prefixes mapped to folders; the compiler builds a
 * private index for the schema it compiles, so compiling never writes to
 * a shared registry except to load a mapped file (under the registry's
 * lock). */
#ifndef NZ_SCHEMA_REGISTRY_H
#define NZ_SCHEMA_REGISTRY_H

#include <stdatomic.h>
#include <stdbool.h>

#include <jansson.h>

#include "normalize/error.h"
#include "schema/const_cast.h"

#include "normalize/schema.h"
#include "schema/strmap.h"

/* A document held by a registry or an index, shared with the compiled
 * schemas that point into it. Its own atomic count, not jansson's, says
 * who still needs it: jansson's json_incref() reads the count without
 * synchronisation, so one json_t must not be retained from several
 * threads at once. The last release drops the json_t (on one thread). */
typedef struct nz_doc {
    json_t *json;
    atomic_size_t refs;
} nz_doc;

nz_doc *nz_doc_retain(nz_doc *d);
void nz_doc_release(nz_doc *d);

/* Where a resource or anchor is. `base` and `dialect` are those in effect
 * around the node (before its own $id / $schema apply). */
typedef struct nz_index_entry {
    const json_t *node;
    nz_doc *doc; /* the document holding node (borrowed from the index) */
    char *base;
    nz_dialect dialect;
    bool dynamic; /* a $dynamicAnchor (2020-12) */
    /* a second schema, different from node, registered under the same
     * URI (NULL: none). Which one the URI means is undefined, so the
     * compiler refuses a reference to it in the schema's own document. */
    const json_t *other;
} nz_index_entry;

typedef struct nz_index {
    nz_strmap resources; /* uri -> nz_index_entry*            */
    nz_strmap anchors;   /* "uri#name" -> nz_index_entry*     */
    nz_doc **docs;       /* owned references                  */
    size_t ndocs, capdocs;
} nz_index;

/* The id keyword of a schema object in a dialect ("id" in draft 4), or
 * NULL when the node has none (or it is ignored: a $ref sibling in drafts
 * 4 to 7). */
const char *nz_schema_id_of(const json_t *node, nz_dialect d);

/* From 2019-09: an "$id" that is only a fragment ("#foo", "#/a"), which
 * those drafts forbid; NULL when the node has none. nz_schema_id_of()
 * ignores it; "#foo" with a plain name is indexed as an anchor. */
const char *nz_schema_fragment_id(const json_t *node, nz_dialect d);

/* A plain-name fragment, as $anchor allows: a letter or '_', then letters,
 * digits, '-', '.', '_' or ':'. */
bool nz_is_plain_name(const char *s);

/* The dialect a schema object declares with $schema (official URIs), or
 * `outer` when it declares none or an unknown one. */
nz_dialect nz_schema_dialect_of(const json_t *node, nz_dialect outer);

/* Index doc (the index takes a reference) under base, recursing into
 * every subschema. dialect: what applies when the document has no
 * $schema. NZ_OK or NZ_ENOMEM. */
int nz_index_add(nz_index *ix, json_t *doc, const char *base,
                 nz_dialect dialect);
/* nz_index_add() for a document already held (retained once more), e.g.
 * to index one document under a second URI. */
int nz_index_add_doc(nz_index *ix, nz_doc *doc, const char *base,
                     nz_dialect dialect);
void nz_index_free(nz_index *ix);

/* Lookups in a registry (locks inside; loads mapped files on demand).
 * reg NULL = the built-in registry of meta-schemas. The returned entry
 * lives as long as the registry. NZ_OK, NZ_ENOTFOUND, or an error while
 * loading a mapped file (diag filled). */
int nz_registry_find(nz_registry *reg, const char *uri, bool anchor,
                     nz_dialect dialect, const nz_index_entry **out,
                     nz_diag *diag);

/* "file://" + the absolute form of path (nz_free), NULL on out-of-memory. */
char *nz_registry_file_uri(const char *path);

/* The built-in registry (meta-schemas only), created once. */
nz_registry *nz_registry_builtin(void);

/* The embedded meta-schemas (generated at build time). */
typedef struct nz_embedded_schema {
    const char *path; /* "2020-12/meta/core.json" */
    const char *text;
} nz_embedded_schema;
extern const nz_embedded_schema nz_embedded_metaschemas[];
extern const size_t nz_embedded_metaschema_count;

#endif
