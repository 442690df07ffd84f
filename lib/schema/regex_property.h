/* Unicode property names for ECMA-262 \p{...} (see regex_property.c). */
#ifndef NZ_SCHEMA_REGEX_PROPERTY_H
#define NZ_SCHEMA_REGEX_PROPERTY_H

#include <stdbool.h>
#include <stddef.h>

/* True when the n bytes at s spell lit exactly (lit may be NULL: false). */
bool nz_regex_span_is(const unsigned char *s, size_t n, const char *lit);

/* Short General_Category name ("L") for any of its ECMA spellings
 * ("L", "Letter"; "Nd", "Decimal_Number", "digit"), or NULL. */
const char *nz_regex_gc_short(const unsigned char *s, size_t n);

/* Canonical ECMA name of a binary property given its name or alias
 * ("Alpha" -> "Alphabetic"), or NULL when ECMA-262 has no such property. */
const char *nz_regex_binary_property(const unsigned char *s, size_t n);

#endif
