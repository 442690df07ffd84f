/* Framing a stream of concatenated JSON values: finding where each value
 * ends without parsing it, so that jansson can be handed exactly one
 * value's bytes at a time and the input never has to be held whole.
 *
 * The scan is incremental: it keeps its state when it runs out of bytes,
 * and resumes where it stopped once more have arrived. It also enforces the
 * depth and size limits before jansson ever sees the bytes.
 */
#ifndef NZ_READ_JSON_FRAME_H
#define NZ_READ_JSON_FRAME_H

#include <stdbool.h>
#include <stddef.h>

typedef enum nz_frame_result {
    NZ_FRAME_MORE,  /* the value goes on past the bytes seen so far   */
    NZ_FRAME_VALUE, /* a value is t[start, scan)                      */
    NZ_FRAME_EMPTY, /* only whitespace up to the end of the bytes     */
    NZ_FRAME_DEEP,  /* nesting went past max_depth at t[deep_at]      */
    NZ_FRAME_BIG,   /* the value starting at t[start] is over max_bytes */
} nz_frame_result;

typedef struct nz_json_frame {
    size_t max_depth;
    size_t max_bytes;
    size_t scan;    /* next byte to examine                          */
    size_t start;   /* first byte of the value (when in_value)       */
    size_t depth;   /* open arrays/objects                           */
    size_t deep_at; /* the bracket that went too deep                */
    bool in_value;
    bool in_string;
    bool escape;
    char kind;      /* '{' container, '"' string, 'a' bare token     */
} nz_json_frame;

/* Forget the current value; offsets start again from 0. */
void nz_json_frame_reset(nz_json_frame *f);

/* Look at t[f->scan, len); eof says no bytes will follow t[len - 1]. At
 * end of input an unfinished value is returned as a VALUE all the same,
 * so that the parser reports what is missing. */
nz_frame_result nz_json_frame_scan(nz_json_frame *f, const unsigned char *t,
                                   size_t len, bool eof);

/* For text already framed some other way (a line, a sequence element):
 * the offset of the first bracket nested deeper than max_depth, or
 * (size_t)-1 when there is none. */
size_t nz_json_too_deep(const unsigned char *t, size_t len, size_t max_depth);

#endif
