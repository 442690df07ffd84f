/* Fuzz target for the JSON Schema compiler and validator.
 *
 * Input layout: the schema (JSON) up to the first newline, then the
 * instance (JSON). Every schema that compiles is run in both modes on the
 * instance, and the two modes must agree: fast mode's answer is the
 * all-errors mode's answer, an invalid instance has at least one error
 * and a valid one none.
 *
 * abort() here means a broken promise of the API, never a reaction to bad
 * input (a bad schema is a normal NZ_ESCHEMA / NZ_EUNRESOLVED).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <normalize/normalize.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_schema: %s\n", what);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t slen = nl ? (size_t)(nl - data) : size;
    json_error_t je;
    json_t *schema = json_loadb((const char *)data, slen,
                                JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
    if (!schema)
        return 0;
    json_t *instance = NULL;
    if (nl)
        instance = json_loadb((const char *)nl + 1, size - slen - 1,
                              JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
    if (!instance)
        instance = json_null();

    nz_schema *s = NULL;
    nz_diag d;
    int rc = nz_schema_compile(&s, schema, NULL, NULL, &d);
    if (rc == NZ_OK) {
        if (!s)
            fail("compiled without a schema");
        int fast = nz_schema_check(s, instance);
        nz_result *res = NULL;
        int all = nz_schema_validate(s, instance, 0, &res);
        if (fast != all && all != NZ_ENOMEM)
            fail("fast and all-errors modes disagree");
        if (all == 0 && nz_result_count(res) == 0)
            fail("invalid without an error");
        if (all == 1 && nz_result_count(res) != 0)
            fail("valid with errors");
        for (size_t i = 0; i < nz_result_count(res); i++) {
            const nz_validation_error *e = nz_result_error(res, i);
            if (!e || !e->instance_location || !e->keyword_location ||
                !e->absolute_keyword_location || !e->keyword || !e->message)
                fail("error with a missing field");
        }
        nz_result_free(&res);
        if (nz_schema_size(s) == 0)
            fail("compiled schema of size 0");
        nz_schema_unref(&s);
    } else {
        if (s)
            fail("failed compile left a schema");
        if (d.code != rc || !d.text[0])
            fail("failed compile without a diagnostic");
    }
    json_decref(instance);
    json_decref(schema);
    return 0;
}
