/* Numbers in JSON Schema: exact comparison between integers and reals,
 * and an exact multipleOf for decimal values.
 *
 * A double cannot represent 0.0075 or 0.0001 exactly, so dividing them
 * gives 74.99999999999999. We compare the numbers as the decimals they
 * were written as instead: the shortest decimal text that reads back to
 * the same double (what a JSON parser was given), as mantissa * 10^exp,
 * and test divisibility with integer arithmetic. */
#ifndef NZ_SCHEMA_NUMBER_H
#define NZ_SCHEMA_NUMBER_H

#include <stdbool.h>

#include <jansson.h>

/* -1, 0 or 1 as a < b, a == b, a > b (both must be numbers). */
int nz_num_cmp(const json_t *a, const json_t *b);

/* Is x an integer multiple of m (m > 0)? Exact for decimal values. */
bool nz_num_is_multiple(const json_t *x, const json_t *m);

/* nz_num_is_multiple() with m's decimal form (nz_num_decimal: mantissa b,
 * exponent eb) computed once beforehand, as the schema compiler does. */
bool nz_num_is_multiple_prepared(const json_t *x, const json_t *m,
                                 unsigned long long b, int eb);

/* Is the number integral (1.0 counts, as in draft 6 and later)? */
bool nz_num_is_integral(const json_t *x);

/* Shortest decimal form of x as mantissa * 10^exp with no trailing zero
 * digits in the mantissa (0 -> 0, 0). Returns false when x does not fit
 * 64-bit mantissa (never for doubles). */
bool nz_num_decimal(const json_t *x, unsigned long long *mant, int *exp,
                    bool *neg);

#endif
