/* libnormalize — diagnostics: what went wrong, and exactly where.
 *
 * A diagnostic is a plain struct owned by the caller (on the stack, usually).
 * Functions that can fail take an `nz_diag *` (which may be NULL when the
 * caller only wants the return code) and fill it on failure. It holds no
 * pointers, so there is nothing to free and it can be copied freely.
 */
#ifndef NORMALIZE_DIAG_H
#define NORMALIZE_DIAG_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Sizes of the text fields of nz_diag, terminating NUL included. Longer
 *  values are cut at a UTF-8 character boundary and end in "...". */
#define NZ_DIAG_SOURCE_MAX 256
#define NZ_DIAG_PATH_MAX 1024
#define NZ_DIAG_TEXT_MAX 512

/** A place in a source text. Lines and columns start at 1; a column counts
 *  characters (UTF-8 code points), not bytes; 0 means "not known". The byte
 *  offset counts from the start of the input and starts at 0. */
typedef struct nz_position {
    uint64_t line;
    uint64_t column;
    uint64_t offset;
} nz_position;

typedef enum nz_severity {
    NZ_SEVERITY_ERROR = 0,
    NZ_SEVERITY_WARNING = 1,
} nz_severity;

/** One diagnostic. Zero-initialise it or call nz_diag_clear() first. */
typedef struct nz_diag {
    int code;                        /**< NZ_E* code; NZ_OK when empty    */
    nz_severity severity;            /**< error or warning                */
    uint64_t line;                   /**< 1-based; 0 when not known       */
    uint64_t column;                 /**< 1-based, in characters; 0 = n/a */
    uint64_t offset;                 /**< byte offset in the input        */
    char source[NZ_DIAG_SOURCE_MAX]; /**< file name, "<stdin>", ...       */
    char path[NZ_DIAG_PATH_MAX];     /**< JSON Pointer of the node ("" =
                                          the whole record)               */
    char text[NZ_DIAG_TEXT_MAX];     /**< human message, no position      */
    unsigned char reserved[64];      /**< zero; room to grow              */
} nz_diag;

/** Reset a diagnostic to "no error". Accepts NULL. */
NZ_API void nz_diag_clear(nz_diag *diag);

/**
 * Render a diagnostic the way compilers do, so editors and CI link to it:
 * `SOURCE:LINE:COLUMN: error: TEXT` (position parts are left out when not
 * known; " (at /json/pointer)" is added when the path is not empty).
 *
 * @param diag  the diagnostic (borrowed).
 * @param buf   where to write; always NUL-terminated when size > 0.
 * @param size  size of buf in bytes.
 * @return the length the full text needs (like snprintf), or NZ_EINVAL.
 *
 * @code
 *   char line[1024];
 *   nz_diag_format(&diag, line, sizeof line);
 *   fprintf(stderr, "%s\n", line);   // data.ndjson:3:8: error: ...
 * @endcode
 */
NZ_API int nz_diag_format(const nz_diag *diag, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* NORMALIZE_DIAG_H */
