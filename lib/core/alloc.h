/* Memory allocation for the whole library.
 *
 * Every allocation goes through these functions so that tests can make the
 * Nth allocation fail (tests/unit/test_alloc_failure.c) and check that each
 * failure is a clean error. nz_free() (public, write.h) releases what they
 * return.
 */
#ifndef NZ_CORE_ALLOC_H
#define NZ_CORE_ALLOC_H

#include <stddef.h>

#include "normalize/write.h" /* nz_free(), the public release function */

void *nz_alloc(size_t size);
void *nz_zalloc(size_t size);
void *nz_realloc(void *ptr, size_t size);
char *nz_strdup(const char *s);

/* ---- test hook (internal: not exported from the shared object) ----------
 *
 * nz_alloc_fail_after(n): counting from this call, allocation number n
 * (0 = the very next one) returns NULL; only that one, the ones after it
 * succeed again, as jansson's test_chaos.c does, so a test also sees the
 * error paths that allocate while cleaning up. n < 0 switches the hook off.
 * nz_alloc_failed() says whether the armed failure has happened (a run that
 * did fewer than n+1 allocations never saw it: the loop is then done).
 *
 * Not thread-safe: arm it only in single-threaded tests. Disarmed, it
 * costs one load per allocation and is never written to.
 */
void nz_alloc_fail_after(long n);
int nz_alloc_failed(void);

#endif
