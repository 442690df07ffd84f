/* Validation: the two modes, and what all-errors mode reports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <pthread.h>

#include "normalize/normalize.h"

static json_t *parse(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, JSON_DECODE_ANY, &e);
    if (!j)
        fail_msg("bad test JSON: %s", e.text);
    return j;
}

static nz_schema *compile(const char *text)
{
    json_t *s = parse(text);
    nz_schema *out = NULL;
    nz_diag d;
    int rc = nz_schema_compile(&out, s, NULL, NULL, &d);
    json_decref(s);
    if (rc != NZ_OK)
        fail_msg("compile: %s", d.text);
    return out;
}

static void validate_error_fields(void **state)
{
    (void)state;
    nz_schema *s = compile(
        "{\"$id\": \"https://example.com/person\","
        " \"$defs\": {\"age\": {\"type\": \"integer\", \"minimum\": 1}},"
        " \"type\": \"object\","
        " \"properties\": {\"age\": {\"$ref\": \"#/$defs/age\"},"
        "                 \"tags\": {\"items\": {\"type\": \"string\"}}},"
        " \"required\": [\"name\"]}");
    json_t *inst = parse("{\"age\": 0, \"tags\": [\"a\", 5]}");
    assert_int_equal(nz_schema_check(s, inst), 0);
    nz_result *res = NULL;
    assert_int_equal(nz_schema_validate(s, inst, 0, &res), 0);
    assert_int_equal(nz_result_count(res), 3);

    const nz_validation_error *e = nz_result_error(res, 0);
    assert_string_equal(e->instance_location, "/age");
    assert_string_equal(e->keyword_location, "/properties/age/$ref/minimum");
    assert_string_equal(e->absolute_keyword_location,
                        "https://example.com/person#/$defs/age/minimum");
    assert_string_equal(e->keyword, "minimum");
    assert_string_equal(e->message, "must be >= 1, got 0");
    assert_int_equal(json_integer_value(e->schema_value), 1);
    assert_int_equal(json_integer_value(e->instance_value), 0);

    e = nz_result_error(res, 1);
    assert_string_equal(e->instance_location, "/tags/1");
    assert_string_equal(e->keyword_location, "/properties/tags/items/type");
    assert_string_equal(e->keyword, "type");
    assert_string_equal(e->message, "must be string, got integer");

    e = nz_result_error(res, 2);
    assert_string_equal(e->instance_location, "");
    assert_string_equal(e->keyword_location, "/required");
    assert_non_null(strstr(e->message, "'name'"));
    assert_null(nz_result_error(res, 3));
    nz_result_free(&res);
    assert_null(res);

    /* max_errors stops early */
    assert_int_equal(nz_schema_validate(s, inst, 1, &res), 0);
    assert_int_equal(nz_result_count(res), 1);
    nz_result_free(&res);
    json_decref(inst);

    /* valid: a result without errors */
    inst = parse("{\"name\": \"x\", \"age\": 3}");
    assert_int_equal(nz_schema_validate(s, inst, 0, &res), 1);
    assert_int_equal(nz_result_count(res), 0);
    nz_result_free(&res);
    json_decref(inst);
    nz_schema_unref(&s);
}

static void validate_pointer_escapes_in_locations(void **state)
{
    (void)state;
    nz_schema *s = compile("{\"properties\": {\"a/b~c\": {\"const\": 1}},"
                           " \"additionalProperties\": false}");
    json_t *inst = parse("{\"a/b~c\": 2, \"zz\": 0}");
    nz_result *res = NULL;
    assert_int_equal(nz_schema_validate(s, inst, 0, &res), 0);
    assert_int_equal(nz_result_count(res), 2);
    assert_string_equal(nz_result_error(res, 0)->instance_location, "/a~1b~0c");
    assert_string_equal(nz_result_error(res, 0)->keyword_location,
                        "/properties/a~1b~0c/const");
    assert_string_equal(nz_result_error(res, 1)->keyword, "additionalProperties");
    assert_non_null(strstr(nz_result_error(res, 1)->message, "'zz'"));
    nz_result_free(&res);
    json_decref(inst);
    nz_schema_unref(&s);
}

/* A 'type' array is named in the message, not shown as "an array". */
static void validate_type_array_message(void **state)
{
    (void)state;
    nz_schema *s = compile("{\"type\": [\"object\", \"boolean\"]}");
    json_t *inst = parse("42");
    nz_result *res = NULL;
    assert_int_equal(nz_schema_validate(s, inst, 0, &res), 0);
    assert_int_equal(nz_result_count(res), 1);
    assert_string_equal(nz_result_error(res, 0)->message,
                        "must be object or boolean, got integer");
    assert_true(json_is_array(nz_result_error(res, 0)->schema_value));
    nz_result_free(&res);
    json_decref(inst);
    nz_schema_unref(&s);

    s = compile("{\"type\": [\"string\", \"number\", \"null\"]}");
    inst = parse("[1]");
    assert_int_equal(nz_schema_validate(s, inst, 0, &res), 0);
    assert_string_equal(nz_result_error(res, 0)->message,
                        "must be string, number or null, got array");
    nz_result_free(&res);
    json_decref(inst);
    nz_schema_unref(&s);
}

static void validate_unevaluated_and_dynamic_refs(void **state)
{
    (void)state;
    nz_schema *s = compile(
        "{\"allOf\": [{\"properties\": {\"a\": true}}],"
        " \"if\": {\"required\": [\"b\"]}, \"then\": {\"properties\": {\"b\": true}},"
        " \"unevaluatedProperties\": false}");
    json_t *ok = parse("{\"a\": 1, \"b\": 2}");
    json_t *bad = parse("{\"a\": 1, \"c\": 2}");
    assert_int_equal(nz_schema_check(s, ok), 1);
    assert_int_equal(nz_schema_check(s, bad), 0);
    json_decref(ok);
    json_decref(bad);
    nz_schema_unref(&s);

    /* $dynamicRef: the outermost $dynamicAnchor wins */
    s = compile(
        "{\"$id\": \"https://example.com/strict-tree\","
        " \"$dynamicAnchor\": \"node\","
        " \"$ref\": \"tree\", \"unevaluatedProperties\": false,"
        " \"$defs\": {\"tree\": {\"$id\": \"tree\", \"$dynamicAnchor\": \"node\","
        "   \"type\": \"object\", \"properties\": {\"data\": true,"
        "   \"children\": {\"type\": \"array\","
        "     \"items\": {\"$dynamicRef\": \"#node\"}}}}}}");
    ok = parse("{\"children\": [{\"data\": 1}]}");
    bad = parse("{\"children\": [{\"daat\": 1}]}");
    assert_int_equal(nz_schema_check(s, ok), 1);
    assert_int_equal(nz_schema_check(s, bad), 0);
    json_decref(ok);
    json_decref(bad);
    nz_schema_unref(&s);
}

static void validate_big_enum_and_many_properties(void **state)
{
    (void)state;
    /* a big enum of strings goes through a hash lookup; the answers must
     * be those of a scan */
    char text[8192] = "{\"enum\": [";
    size_t n = strlen(text);
    for (int i = 0; i < 200; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%s\"v%d\"",
                              i ? "," : "", i);
    snprintf(text + n, sizeof text - n, "]}");
    nz_schema *s = compile(text);
    json_t *in = json_string("v199"), *out = json_string("v200"),
           *num = json_integer(1);
    assert_int_equal(nz_schema_check(s, in), 1);
    assert_int_equal(nz_schema_check(s, out), 0);
    assert_int_equal(nz_schema_check(s, num), 0);
    json_decref(in);
    json_decref(out);
    json_decref(num);
    nz_schema_unref(&s);
}

static void validate_rejects_bad_arguments(void **state)
{
    (void)state;
    nz_schema *s = compile("true");
    nz_result *res = NULL;
    assert_int_equal(nz_schema_check(NULL, json_null()), NZ_EINVAL);
    assert_int_equal(nz_schema_check(s, NULL), NZ_EINVAL);
    assert_int_equal(nz_schema_validate(s, NULL, 0, &res), NZ_EINVAL);
    assert_int_equal(nz_schema_validate(s, json_null(), 0, NULL), NZ_EINVAL);
    nz_schema_unref(&s);
    nz_schema_unref(NULL);
    nz_result_free(NULL);
    assert_int_equal(nz_result_count(NULL), 0);
}

/* One compiled schema, many threads, no locks: every thread gets the
 * answers a single thread gets. */
struct check_job {
    const nz_schema *s;
    json_t *good, *bad;
    int ok;
};

static void *check_thread(void *arg)
{
    struct check_job *job = arg;
    job->ok = 1;
    for (int i = 0; i < 2000; i++) {
        if (nz_schema_check(job->s, job->good) != 1 ||
            nz_schema_check(job->s, job->bad) != 0)
            job->ok = 0;
        if (i % 100 == 0) {
            nz_result *res = NULL;
            if (nz_schema_validate(job->s, job->bad, 0, &res) != 0 ||
                nz_result_count(res) == 0)
                job->ok = 0;
            nz_result_free(&res);
        }
    }
    return NULL;
}

static void validate_shared_schema_from_many_threads(void **state)
{
    (void)state;
    nz_schema *s = compile(
        "{\"$id\": \"https://example.com/list\", \"$dynamicAnchor\": \"item\","
        " \"type\": \"object\", \"properties\": {\"name\": {\"pattern\": \"^[a-z]+$\"},"
        " \"children\": {\"items\": {\"$dynamicRef\": \"#item\"}}},"
        " \"unevaluatedProperties\": false}");
    json_t *good = parse("{\"name\": \"a\", \"children\": [{\"name\": \"b\"}]}");
    json_t *bad = parse("{\"name\": \"a\", \"children\": [{\"nme\": \"b\"}]}");
    pthread_t th[8];
    struct check_job jobs[8];
    for (int i = 0; i < 8; i++) {
        jobs[i] = (struct check_job){s, good, bad, 0};
        assert_int_equal(pthread_create(&th[i], NULL, check_thread, &jobs[i]),
                         0);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(jobs[i].ok, 1);
    }
    json_decref(good);
    json_decref(bad);
    nz_schema_unref(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(validate_error_fields),
        cmocka_unit_test(validate_pointer_escapes_in_locations),
        cmocka_unit_test(validate_type_array_message),
        cmocka_unit_test(validate_unevaluated_and_dynamic_refs),
        cmocka_unit_test(validate_big_enum_and_many_properties),
        cmocka_unit_test(validate_rejects_bad_arguments),
        cmocka_unit_test(validate_shared_schema_from_many_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
