/* Validation internals shared by validate.c and result.c. */
#ifndef NZ_SCHEMA_VALIDATE_H
#define NZ_SCHEMA_VALIDATE_H

#include "normalize/schema.h"

struct nz_result {
    nz_validation_error *errors;
    size_t count, cap;
};

/* Append an error; the strings are copied, the json values referenced
 * (the result keeps no reference counts: instance and schema outlive it
 * per the API contract). NZ_OK or NZ_ENOMEM. */
int nz_result_add(nz_result *r, const char *instance_location,
                  const char *keyword_location, const char *absolute,
                  const char *keyword, const char *message,
                  const json_t *schema_value, const json_t *instance_value);

#endif
