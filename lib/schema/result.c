/* nz_result: the errors of one all-errors validation. */
#include "schema/validate.h"

#include <string.h>

#include "core/alloc.h"
#include "normalize/error.h"
#include "schema/const_cast.h"

int nz_result_add(nz_result *r, const char *instance_location,
                  const char *keyword_location, const char *absolute,
                  const char *keyword, const char *message,
                  const json_t *schema_value, const json_t *instance_value)
{
    if (r->count == r->cap) {
        size_t nc = r->cap ? r->cap * 2 : 8;
        nz_validation_error *ne = nz_realloc(r->errors, nc * sizeof *ne);
        if (!ne)
            return NZ_ENOMEM;
        r->errors = ne;
        r->cap = nc;
    }
    nz_validation_error *e = &r->errors[r->count];
    memset(e, 0, sizeof *e);
    e->instance_location = nz_strdup(instance_location);
    e->keyword_location = nz_strdup(keyword_location);
    e->absolute_keyword_location = nz_strdup(absolute);
    e->keyword = nz_strdup(keyword);
    e->message = nz_strdup(message);
    e->schema_value = schema_value;
    e->instance_value = instance_value;
    if (!e->instance_location || !e->keyword_location ||
        !e->absolute_keyword_location || !e->keyword || !e->message) {
        nz_free(NZ_MUT(e->instance_location));
        nz_free(NZ_MUT(e->keyword_location));
        nz_free(NZ_MUT(e->absolute_keyword_location));
        nz_free(NZ_MUT(e->keyword));
        nz_free(NZ_MUT(e->message));
        return NZ_ENOMEM;
    }
    r->count++;
    return NZ_OK;
}

size_t nz_result_count(const nz_result *res)
{
    return res ? res->count : 0;
}

const nz_validation_error *nz_result_error(const nz_result *res, size_t i)
{
    if (!res || i >= res->count)
        return NULL;
    return &res->errors[i];
}

void nz_result_free(nz_result **res)
{
    if (!res || !*res)
        return;
    nz_result *r = *res;
    for (size_t i = 0; i < r->count; i++) {
        nz_validation_error *e = &r->errors[i];
        nz_free(NZ_MUT(e->instance_location));
        nz_free(NZ_MUT(e->keyword_location));
        nz_free(NZ_MUT(e->absolute_keyword_location));
        nz_free(NZ_MUT(e->keyword));
        nz_free(NZ_MUT(e->message));
    }
    nz_free(r->errors);
    nz_free(r);
    *res = NULL;
}
