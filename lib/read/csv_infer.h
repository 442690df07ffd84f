/* Type inference for CSV fields (NZ_CSV_INFER).
 *
 * The rules, chosen so that a value is only typed when nothing is lost:
 *   - a quoted field is always a string ("12" stays "12"): quoting is how
 *     a CSV producer says "text";
 *   - an empty unquoted field is null (a quoted empty one, "", is "");
 *   - true and false (lower case, as in JSON) are booleans;
 *   - a JSON number is a number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
 *     so 1e5 and 2.50 are numbers (as in miller), while leading zeros
 *     (01234, ZIP codes), a leading '+' or '.', hex (0xff), digit
 *     separators (1_000), Inf and NaN stay strings;
 *   - integers outside the signed 64-bit range, reals beyond a double,
 *     and "-0" stay strings (no silent rounding or lost sign).
 */
#ifndef NZ_READ_CSV_INFER_H
#define NZ_READ_CSV_INFER_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* The value of field s[0, n) (NUL-terminated at s[n], valid UTF-8).
 * Returns a new reference, or NULL when out of memory. */
json_t *nz_csv_infer(const char *s, size_t n, bool quoted);

#endif
