/* JSON text from a jansson tree, into a buffered nz_output.
 *
 * This is the serialiser the writers share (JSON, NDJSON, JSON text
 * sequences, nz_write_string); framing between records is writer.c's job.
 * It walks the tree with an explicit stack instead of recursion, so deep
 * trees cost heap, not C stack, and it keeps its scratch space (the stack
 * and the key array for sorted objects) from one record to the next.
 */
#ifndef NZ_WRITE_JSON_WRITE_H
#define NZ_WRITE_JSON_WRITE_H

#include <stddef.h>

#include <jansson.h>

#include "core/output.h"
#include "normalize/diag.h"

typedef struct nz_json_frame nz_json_frame;
typedef struct nz_json_member nz_json_member;

typedef struct nz_json_writer {
    unsigned flags;          /* NZ_WRITE_SORT_KEYS | _ASCII | _CANONICAL */
    int indent;              /* spaces per level; 0 = compact           */
    nz_json_frame *frames;   /* one per open array/object                */
    size_t frames_cap;
    nz_json_member *members; /* sorted members of the open objects      */
    size_t members_cap;
    size_t members_top;
} nz_json_writer;

/* Set the style. flags are NZ_WRITE_* (others are ignored); CANONICAL
 * wins over indent, SORT_KEYS and ASCII. indent is 0..16. Allocates
 * nothing. */
void nz_json_writer_init(nz_json_writer *jw, unsigned flags, int indent);

/* Release the scratch space. */
void nz_json_writer_free(nz_json_writer *jw);

/* Write value as JSON text, without a trailing newline.
 *
 * level: how deep the value sits in the output (0 for a top-level value,
 * 1 for an element of NZ_WRITE_ARRAY output); it indents pretty output and
 * counts toward the depth limit of NZ_READ_JSON_DEPTH_LIMIT, so everything
 * written can be read back.
 *
 * Returns 0; NZ_EUNREPRESENTABLE (a real that is not finite, a string or
 * key that is not valid UTF-8), NZ_EDEPTH or NZ_ENOMEM with diag filled
 * and diag->path set to the JSON Pointer of the value; or the sink's error
 * (out->err) with diag untouched. On failure the output holds part of the
 * value: the caller rolls it back or gives up. */
int nz_json_write(nz_json_writer *jw, nz_output *out, const json_t *value,
                  int level, nz_diag *diag);

#endif
