#include "core/alloc.h"

#include <stdlib.h>
#include <string.h>

#include "normalize/write.h"

/* Allocations left before the injected failure; -1 = hook off. */
static long fail_countdown = -1;
/* Set when the injected failure has happened. */
static int fail_happened;

void nz_alloc_fail_after(long n)
{
    fail_countdown = n < 0 ? -1 : n;
    fail_happened = 0;
}

int nz_alloc_failed(void)
{
    return fail_happened;
}

/* 1 when this allocation is the one the test asked to fail. */
static int inject_failure(void)
{
    if (fail_countdown < 0)
        return 0;
    if (fail_countdown > 0) {
        fail_countdown--;
        return 0;
    }
    fail_countdown = -1;
    fail_happened = 1;
    return 1;
}

void *nz_alloc(size_t size)
{
    if (inject_failure())
        return NULL;
    return malloc(size ? size : 1);
}

void *nz_zalloc(size_t size)
{
    if (inject_failure())
        return NULL;
    return calloc(1, size ? size : 1);
}

void *nz_realloc(void *ptr, size_t size)
{
    if (inject_failure())
        return NULL;
    return realloc(ptr, size ? size : 1);
}

char *nz_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = nz_alloc(n);
    if (copy)
        memcpy(copy, s, n);
    return copy;
}

void nz_free(void *ptr)
{
    free(ptr);
}
