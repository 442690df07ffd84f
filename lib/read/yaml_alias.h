/* Anchors of the YAML document being read, for its aliases.
 *
 * An anchor keeps the node it names (a reference into the record), the
 * number of nodes in it and its height, so that an alias can be charged
 * to the expansion budget and the depth limit before it is copied, and,
 * for a scalar, its text as written, which is what an alias used as a
 * mapping key stands for. Anchors live for one document (YAML 1.2 §3.2.2.2)
 * and a later anchor of the same name replaces the earlier one.
 */
#ifndef NZ_READ_YAML_ALIAS_H
#define NZ_READ_YAML_ALIAS_H

#include <stddef.h>

#include <jansson.h>

#include "normalize/diag.h"

typedef struct nz_anchor {
    char *name;
    json_t *value;   /* a reference of ours                        */
    char *text;      /* scalars: the text as written; else NULL     */
    size_t text_len;
    size_t nodes;    /* nodes in the value, itself included         */
    size_t height;   /* 0 for a scalar, 1 + children's otherwise     */
} nz_anchor;

typedef struct nz_anchor_table {
    nz_anchor *items;
    size_t count;
    size_t cap;
    size_t *index;     /* open addressing: item number + 1, 0 = empty */
    size_t index_cap;  /* power of two                                */
} nz_anchor_table;

/* Define (or redefine) anchor `name` for value (a new reference is
 * taken). text may be NULL. Returns 0 or NZ_ENOMEM. */
int nz_anchor_define(nz_anchor_table *t, const char *name, json_t *value,
                     const char *text, size_t text_len, size_t nodes,
                     size_t height);

/* The anchor of that name, or NULL. Borrowed until the next define or
 * clear. */
const nz_anchor *nz_anchor_find(const nz_anchor_table *t, const char *name);

/* Forget all anchors (the end of a document). */
void nz_anchor_clear(nz_anchor_table *t);
void nz_anchor_free(nz_anchor_table *t);

#endif
