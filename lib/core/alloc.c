#include "core/alloc.h"

#include <stdlib.h>
#include <string.h>

#include "normalize/write.h"

void *nz_alloc(size_t size)
{
    return malloc(size ? size : 1);
}

void *nz_zalloc(size_t size)
{
    return calloc(1, size ? size : 1);
}

void *nz_realloc(void *ptr, size_t size)
{
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
