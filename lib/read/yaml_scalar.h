/* What a YAML scalar's text means: null, boolean, integer, float or
 * string, under the YAML 1.2 core schema or YAML 1.1 typing.
 *
 * One function answers the question for both directions: the reader asks
 * what a plain scalar is, and the writer asks whether a string written
 * plain would read back as something else (and so must be quoted). Keeping
 * one answer means the writer can never emit a plain "no" that a reader
 * (ours, or a YAML 1.1 one such as PyYAML) turns into false.
 *
 * YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution):
 *   null   null Null NULL ~ (empty)
 *   bool   true True TRUE false False FALSE
 *   int    [-+]?[0-9]+   0o[0-7]+   0x[0-9a-fA-F]+
 *   float  [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
 *          [-+]?(\.inf|\.Inf|\.INF)   \.nan|\.NaN|\.NAN
 * YAML 1.1 (https://yaml.org/type/), as PyYAML resolves it — the YAML 1.1
 * implementation users compare with (yq is PyYAML):
 *   null   as 1.2
 *   bool   yes/no/true/false/on/off in lower, Title and UPPER case (not
 *          y/n: PyYAML leaves those strings, and so do we)
 *   int    [-+]?0b[01_]+  [-+]?0[0-7_]+ (octal)  [-+]?(0|[1-9][0-9_]*)
 *          [-+]?0x[0-9a-fA-F_]+  [-+]?[1-9][0-9_]*(:[0-5]?[0-9])+ (base 60)
 *   float  [-+]?[0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)?
 *          [-+]?\.[0-9][0-9_]*([eE][-+][0-9]+)? (signed as YAML 1.1 says;
 *          PyYAML wants -.5 unsigned and reads it as a string)
 *          [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*  [-+]?\.inf  \.nan
 *          (a float needs a '.', so 1e3 is a string in 1.1)
 */
#ifndef NZ_READ_YAML_SCALAR_H
#define NZ_READ_YAML_SCALAR_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

typedef enum nz_yaml_kind {
    NZ_YAML_STRING = 0,
    NZ_YAML_NULL,
    NZ_YAML_BOOL,
    NZ_YAML_INT,
    NZ_YAML_FLOAT,
    NZ_YAML_INT_RANGE,   /* an integer outside the signed 64-bit range   */
    NZ_YAML_FLOAT_RANGE, /* finite float text beyond the range of double */
    NZ_YAML_NONFINITE,   /* .inf, -.inf, .nan: no JSON number holds them */
} nz_yaml_kind;

typedef struct nz_yaml_value {
    nz_yaml_kind kind;
    bool boolean;    /* NZ_YAML_BOOL  */
    json_int_t integer; /* NZ_YAML_INT */
    double real;     /* NZ_YAML_FLOAT */
} nz_yaml_value;

/* Resolve the text s[0, n) of a plain (unquoted, untagged) scalar.
 * yaml11 selects YAML 1.1 typing. Returns the kind (also in out->kind). */
nz_yaml_kind nz_yaml_resolve(const char *s, size_t n, bool yaml11,
                             nz_yaml_value *out);

/* Resolve s[0, n) for an explicit tag: only `want` (NULL, BOOL, INT or
 * FLOAT) is accepted; !!float also takes integer forms. Returns the kind
 * found (want, its _RANGE / NONFINITE variants) or NZ_YAML_STRING when the
 * text is not of that type. */
nz_yaml_kind nz_yaml_resolve_as(const char *s, size_t n, bool yaml11,
                                nz_yaml_kind want, nz_yaml_value *out);

/* Would the string s[0, n), written as a plain scalar, read back as
 * anything but this string under 1.2 core OR 1.1 typing? */
static inline bool nz_yaml_plain_is_typed(const char *s, size_t n)
{
    nz_yaml_value v;
    return nz_yaml_resolve(s, n, false, &v) != NZ_YAML_STRING ||
           nz_yaml_resolve(s, n, true, &v) != NZ_YAML_STRING;
}

#endif
