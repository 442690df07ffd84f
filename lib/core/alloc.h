/* Memory allocation for the whole library.
 *
 * Every allocation goes through these functions so that tests can make the
 * Nth allocation fail (see tests/unit) and check that each failure is a
 * clean error. nz_free() (public, write.h) releases what they return.
 */
#ifndef NZ_CORE_ALLOC_H
#define NZ_CORE_ALLOC_H

#include <stddef.h>

#include "normalize/write.h" /* nz_free(), the public release function */

void *nz_alloc(size_t size);
void *nz_zalloc(size_t size);
void *nz_realloc(void *ptr, size_t size);
char *nz_strdup(const char *s);

#endif
