/* JSON equality as JSON Schema defines it (const, enum, uniqueItems):
 * numbers compare by mathematical value, so 1 equals 1.0; objects compare
 * regardless of key order. */
#ifndef NZ_SCHEMA_EQUAL_H
#define NZ_SCHEMA_EQUAL_H

#include <stdbool.h>

#include <jansson.h>

#include "normalize/error.h"
#include "schema/const_cast.h"

bool nz_json_equal(const json_t *a, const json_t *b);

#endif
