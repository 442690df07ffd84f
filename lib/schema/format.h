/* JSON Schema `format` assertions (2020-12 §7.3 and the older drafts'
 * equivalents). Each checker answers for one string of len bytes (UTF-8, may
 * hold NUL); the validator only calls it for string instances. */
#ifndef NZ_SCHEMA_FORMAT_H
#define NZ_SCHEMA_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

typedef bool (*nz_format_check_fn)(const char *s, size_t len);

/* The checker for a format name, or NULL for unknown formats (annotations
 * only, as the specification says). name is NUL-terminated. */
nz_format_check_fn nz_format_checker(const char *name);

#endif
