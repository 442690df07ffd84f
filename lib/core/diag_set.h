/* Filling diagnostics from inside the library. */
#ifndef NZ_CORE_DIAG_SET_H
#define NZ_CORE_DIAG_SET_H

#include "normalize/diag.h"

#if defined(__GNUC__)
#define NZ_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define NZ_PRINTF(f, a)
#endif

/* Set code, source, position (may be NULL) and a printf-style message;
 * the path is cleared. Returns code, so callers can `return nz_diag_set(..)`.
 * diag may be NULL. */
int nz_diag_set(nz_diag *diag, int code, const char *source,
                const nz_position *pos, const char *fmt, ...) NZ_PRINTF(5, 6);

/* Set the JSON Pointer path of a diagnostic (cut with "..." if too long). */
void nz_diag_set_path(nz_diag *diag, const char *path);

/* Copy src into dst (size bytes), cutting at a character boundary and
 * ending with "..." when it does not fit. */
void nz_copy_clipped(char *dst, size_t size, const char *src);

#endif
