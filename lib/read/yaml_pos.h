/* Source positions of the nodes of one YAML record, for nz_reader_locate().
 *
 * A node is identified by where it sits, not by its json_t pointer: jansson
 * shares one json_t for every true, false and null, so a pointer cannot
 * tell two of them apart. The key is (parent container, slot), the slot
 * being the array index or a 64-bit hash of the object key; the record
 * itself has its position kept beside the table. Filled only with
 * NZ_READ_KEEP_POSITIONS; cleared at every record.
 */
#ifndef NZ_READ_YAML_POS_H
#define NZ_READ_YAML_POS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "normalize/diag.h"

typedef struct nz_pos_slot nz_pos_slot;

typedef struct nz_pos_table {
    nz_pos_slot *slots;
    size_t cap;   /* power of two, or 0 */
    size_t count;
} nz_pos_table;

/* FNV-1a of an object key: the slot of a member. */
uint64_t nz_pos_key_slot(const char *key, size_t len);

/* Remember (or overwrite) the position of the child `slot` of `parent`.
 * Returns 0 or NZ_ENOMEM. */
int nz_pos_put(nz_pos_table *t, const void *parent, uint64_t slot,
               const nz_position *pos);

/* The position of that child, or NULL when none was kept. */
const nz_position *nz_pos_get(const nz_pos_table *t, const void *parent,
                              uint64_t slot);

/* Forget every position (memory is kept, unless it grew far beyond use). */
void nz_pos_clear(nz_pos_table *t);
void nz_pos_free(nz_pos_table *t);

/* Resolve an RFC 6901 pointer in root and give the position of the node,
 * or of its deepest ancestor with a known position (the record itself,
 * root_pos, is always known). Returns NZ_OK, NZ_ENOTFOUND (no such node)
 * or NZ_EINVAL (not a JSON Pointer). */
int nz_pos_locate(const nz_pos_table *t, const json_t *root,
                  const nz_position *root_pos, const char *pointer,
                  nz_position *out);

#endif
