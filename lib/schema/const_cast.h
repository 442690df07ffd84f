/* Dropping const from a pointer on purpose.
 *
 * jansson's iteration macros and reference counting take `json_t *` even
 * to read; the schema code holds `const json_t *` because it never
 * changes a value. Going through uintptr_t says so explicitly (and keeps
 * -Wcast-qual useful everywhere else). */
#ifndef NZ_SCHEMA_CONST_CAST_H
#define NZ_SCHEMA_CONST_CAST_H

#include <stdint.h>

#define NZ_MUT_JSON(p) ((json_t *)(uintptr_t)(p))
#define NZ_MUT(p) ((void *)(uintptr_t)(p))

#endif
