/* libnormalize — return codes.
 *
 * Every function that can fail returns 0 (NZ_OK) or a positive count on
 * success and one of the negative NZ_E* codes below on failure.
 *
 * The list is append-only: a code keeps its number forever and is never
 * reused, so callers and bindings may store or switch on the numbers.
 */
#ifndef NORMALIZE_ERROR_H
#define NORMALIZE_ERROR_H

#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* X(NAME, VALUE, DESCRIPTION): one line per code, in order of appearance.
 * APPEND ONLY. */
#define NZ_ERRNO_MAP(X)                                                       \
    X(INVAL, -1, "invalid argument")                                          \
    X(NOMEM, -2, "out of memory")                                             \
    X(IO, -3, "input/output error")                                           \
    X(SYNTAX, -4, "syntax error")                                             \
    X(UTF8, -5, "invalid UTF-8")                                              \
    X(NUL, -6, "NUL byte in input")                                           \
    X(RANGE, -7, "number out of range")                                       \
    X(DUPKEY, -8, "duplicate object key")                                     \
    X(DEPTH, -9, "nesting too deep")                                          \
    X(TOOBIG, -10, "record too large")                                        \
    X(FORMAT, -11, "unknown or unsupported format")                           \
    X(NOTFOUND, -12, "not found")                                             \
    X(PIPE, -13, "output closed by the reader")                               \
    X(UNREPRESENTABLE, -14, "value cannot be represented in the output")      \
    X(STATE, -15, "operation not valid in the current state")               \
    X(LOSSY, -16, "conversion would lose information")                        \
    X(EXPANSION, -17, "alias or entity expansion over its budget")            \
    X(REFUSED, -18, "refused to access an external resource")                \
    X(SCHEMA, -19, "invalid schema")                                          \
    X(UNRESOLVED, -20, "unresolvable schema reference")                       \
    X(MATCHLIMIT, -21, "regular expression match limit reached")              \
    X(INVALID, -22, "instance failed validation")

/** Return codes. NZ_OK is success; every NZ_E* is negative. */
typedef enum nz_error {
    NZ_OK = 0,
#define NZ_ERROR_ENUM_(name, value, text) NZ_E##name = (value),
    NZ_ERRNO_MAP(NZ_ERROR_ENUM_)
#undef NZ_ERROR_ENUM_
} nz_error;

/**
 * Describe a return code in words ("duplicate object key").
 *
 * @param code  any int; unknown codes give "unknown error".
 * @return a static string (never NULL, never to be freed).
 */
NZ_API const char *nz_strerror(int code);

/**
 * The symbolic name of a return code without its prefix ("EDUPKEY" for
 * NZ_EDUPKEY, "OK" for NZ_OK).
 *
 * @return a static string, or NULL when the code is not one of ours.
 */
NZ_API const char *nz_err_name(int code);

#ifdef __cplusplus
}
#endif

#endif /* NORMALIZE_ERROR_H */
