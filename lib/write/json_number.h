/* Number text for the JSON writer: integers, reals that read back as the
 * same double, and RFC 8785 / ECMAScript number text.
 *
 * None of these functions use the C library's printf or locale machinery:
 * the decimal point is always '.', whatever LC_NUMERIC says, and the hot
 * path of the writer makes no library calls per number.
 */
#ifndef NZ_WRITE_JSON_NUMBER_H
#define NZ_WRITE_JSON_NUMBER_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Room every formatter below needs, terminating NUL included. The longest
 * texts are 25 bytes ("-0.0000033333333333333333" from
 * nz_print_ecmascript) and 24 ("-2.2250738585072014e-308"). */
#define NZ_JSON_NUMBER_MAX 32

/* The shortest decimal that reads back as a finite double:
 * value = digits * 10^exponent, with digits having no trailing zeros
 * (0.0 gives digits 0, exponent 0). The sign is not included. Among the
 * shortest candidates the one closest to the double is chosen (ties to even
 * digits), which is what ECMAScript and RFC 8785 require. */
typedef struct nz_decimal {
    uint64_t digits;
    int exponent;
} nz_decimal;

/* Decompose a finite double; returns 0, or -1 when it is NaN or infinite. */
int nz_shortest_decimal(double value, nz_decimal *out);

/* Decimal text of an integer into buf (NZ_JSON_NUMBER_MAX bytes); returns
 * the length, NUL not counted. */
size_t nz_print_integer(char *buf, json_int_t value);

/* The shortest text that reads back as the same double and as a real:
 * "0.1", "1.0", "-0.0", "1e+300", "5e-324", "1e-05", "1e+16",
 * "1000000000000000.0". Exponent form when the decimal exponent of the
 * first digit is below -4 or at least 16 (as Python's repr() and jq do).
 * Returns the length (NUL not counted), or 0 when value is not finite. */
size_t nz_print_real(char *buf, double value);

/* ECMAScript Number::toString(value), as RFC 8785 section 3.2.2.3 asks:
 * "0" for both zeros, "1e+21", "0.000001", "1e-7",
 * "295147905179352830000". Returns the length (NUL not counted), or 0
 * when value is not finite. */
size_t nz_print_ecmascript(char *buf, double value);

#endif
