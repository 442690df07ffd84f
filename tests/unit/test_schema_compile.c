/* Compiling schemas: errors located in the schema, references resolved
 * (or refused with the URI and the place), reference cycles, drafts. */
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

/* Compile text with an optional default dialect; returns the code. */
static int compile(const char *text, nz_dialect d, nz_registry *reg,
                   nz_schema **out, nz_diag *diag)
{
    json_t *s = parse(text);
    nz_schema_options o;
    nz_schema_options_init(&o);
    o.dialect = d;
    int rc = nz_schema_compile(out, s, &o, reg, diag);
    json_decref(s);
    return rc;
}

/* 1 valid, 0 invalid */
static int check(const nz_schema *s, const char *instance)
{
    json_t *i = parse(instance);
    int r = nz_schema_check(s, i);
    json_decref(i);
    return r;
}

static void compile_invalid_type_is_located(void **state)
{
    (void)state;
    nz_schema *s = NULL;
    nz_diag d;
    assert_int_equal(compile("{\"type\": 12}", NZ_DIALECT_AUTO, NULL, &s, &d),
                     NZ_ESCHEMA);
    assert_null(s);
    assert_int_equal(d.code, NZ_ESCHEMA);
    assert_string_equal(d.path, "/type");
    assert_non_null(strstr(d.text, "got 12"));

    /* nested, with an escaped key */
    assert_int_equal(compile("{\"properties\": {\"a/b\": {\"minLength\": -1}}}",
                             NZ_DIALECT_AUTO, NULL, &s, &d),
                     NZ_ESCHEMA);
    assert_string_equal(d.path, "/properties/a~1b/minLength");
    assert_int_equal(compile("{\"allOf\": [true, 3]}", NZ_DIALECT_AUTO, NULL,
                             &s, &d),
                     NZ_ESCHEMA);
    assert_string_equal(d.path, "/allOf/1");
    assert_int_equal(compile("{\"pattern\": \"(\"}", NZ_DIALECT_AUTO, NULL,
                             &s, &d),
                     NZ_ESCHEMA);
    assert_string_equal(d.path, "/pattern");
}

static void compile_unresolvable_ref_names_uri_and_place(void **state)
{
    (void)state;
    nz_schema *s = NULL;
    nz_diag d;
    int rc = compile("{\"$id\": \"http://example.com/root.json\","
                     " \"properties\": {\"a\": {\"$ref\": \"other.json#/x\"}}}",
                     NZ_DIALECT_AUTO, NULL, &s, &d);
    assert_int_equal(rc, NZ_EUNRESOLVED);
    assert_null(s);
    assert_non_null(strstr(d.text, "http://example.com/other.json#/x"));
    assert_non_null(strstr(d.text, "http://example.com/root.json#/properties/a"));
    assert_string_equal(d.path, "/properties/a/$ref");

    /* a pointer to nothing inside a known document */
    rc = compile("{\"$ref\": \"#/definitions/missing\"}", NZ_DIALECT_DRAFT7,
                 NULL, &s, &d);
    assert_int_equal(rc, NZ_EUNRESOLVED);
    assert_non_null(strstr(d.text, "#/definitions/missing"));
}

static void compile_ref_cycle_terminates(void **state)
{
    (void)state;
    nz_schema *s = NULL;
    nz_diag d;
    assert_int_equal(compile("{\"$ref\": \"#\"}", NZ_DIALECT_DRAFT7, NULL, &s,
                             &d),
                     NZ_OK);
    /* it compiles, and validating ends with an error instead of looping */
    assert_int_equal(check(s, "1"), NZ_EDEPTH);
    nz_result *res = NULL;
    json_t *one = json_integer(1);
    assert_int_equal(nz_schema_validate(s, one, 0, &res), NZ_EDEPTH);
    assert_null(res);
    json_decref(one);
    nz_schema_unref(&s);
    /* a real cycle with a base case validates normally */
    assert_int_equal(compile("{\"properties\": {\"next\": {\"$ref\": \"#\"}},"
                             " \"required\": [\"v\"]}",
                             NZ_DIALECT_AUTO, NULL, &s, &d),
                     NZ_OK);
    assert_int_equal(check(s, "{\"v\": 1, \"next\": {\"v\": 2}}"), 1);
    assert_int_equal(check(s, "{\"v\": 1, \"next\": {\"next\": {}}}"), 0);
    nz_schema_unref(&s);
}

static void compile_draft7_defs_via_ref(void **state)
{
    (void)state;
    /* a draft-07 schema keeping definitions under $defs: a JSON Pointer
     * resolves wherever it points */
    nz_schema *s = NULL;
    nz_diag d;
    assert_int_equal(
        compile("{\"$schema\": \"http://json-schema.org/draft-07/schema#\","
                " \"$defs\": {\"pos\": {\"type\": \"integer\", \"minimum\": 1}},"
                " \"properties\": {\"n\": {\"$ref\": \"#/$defs/pos\"}}}",
                NZ_DIALECT_AUTO, NULL, &s, &d),
        NZ_OK);
    assert_int_equal(nz_schema_dialect(s), NZ_DIALECT_DRAFT7);
    assert_int_equal(check(s, "{\"n\": 3}"), 1);
    assert_int_equal(check(s, "{\"n\": 0}"), 0);
    nz_schema_unref(&s);
}

static void compile_ref_siblings_ignored_before_2019(void **state)
{
    (void)state;
    const char *schema =
        "{\"definitions\": {\"s\": {\"type\": \"string\"}},"
        " \"properties\": {\"a\": {\"$ref\": \"#/definitions/s\","
        " \"maxLength\": 2}}}";
    nz_dialect drafts[] = {NZ_DIALECT_DRAFT4, NZ_DIALECT_DRAFT6,
                           NZ_DIALECT_DRAFT7};
    for (size_t i = 0; i < 3; i++) {
        nz_schema *s = NULL;
        nz_diag d;
        assert_int_equal(compile(schema, drafts[i], NULL, &s, &d), NZ_OK);
        assert_int_equal(check(s, "{\"a\": \"long string\"}"), 1);
        assert_int_equal(check(s, "{\"a\": 5}"), 0);
        nz_schema_unref(&s);
    }
    /* the leniency is reported as a warning at the ignored keyword */
    {
        nz_schema *s = NULL;
        nz_diag d;
        assert_int_equal(compile(schema, NZ_DIALECT_DRAFT7, NULL, &s, &d),
                         NZ_OK);
        assert_int_equal(nz_schema_warning_count(s), 1);
        const nz_diag *w = nz_schema_warning(s, 0);
        assert_int_equal(w->severity, NZ_SEVERITY_WARNING);
        assert_string_equal(w->path, "/properties/a/maxLength");
        assert_non_null(strstr(w->text, "ignored in draft 7"));
        assert_null(nz_schema_warning(s, 1));
        nz_schema_unref(&s);
    }
    /* from 2019-09 on, siblings apply */
    nz_schema *s = NULL;
    nz_diag d;
    assert_int_equal(compile(schema, NZ_DIALECT_2020_12, NULL, &s, &d), NZ_OK);
    assert_int_equal(check(s, "{\"a\": \"long string\"}"), 0);
    assert_int_equal(check(s, "{\"a\": \"ok\"}"), 1);
    nz_schema_unref(&s);
}

/* Two different schemas under one $id (or anchor) in one document: a
 * reference to that URI is refused, naming both places; identical copies
 * (as bundlers make) are no conflict. */
static void compile_ambiguous_id_refused(void **state)
{
    (void)state;
    nz_schema *s = NULL;
    nz_diag d;
    assert_int_equal(
        compile("{\"$defs\": {\"a\": {\"$id\": \"https://e.com/x\","
                " \"type\": \"string\"}, \"b\": {\"$id\": \"https://e.com/x\","
                " \"type\": \"integer\"}}, \"$ref\": \"https://e.com/x\"}",
                NZ_DIALECT_AUTO, NULL, &s, &d),
        NZ_ESCHEMA);
    assert_null(s);
    assert_string_equal(d.path, "/$ref");
    assert_non_null(strstr(d.text, "ambiguous"));
    assert_non_null(strstr(d.text, "'/$defs/a' and '/$defs/b'"));

    /* the same with an anchor */
    assert_int_equal(
        compile("{\"$defs\": {\"a\": {\"$anchor\": \"t\", \"const\": 1},"
                " \"b\": {\"$anchor\": \"t\", \"const\": 2}},"
                " \"$ref\": \"#t\"}",
                NZ_DIALECT_AUTO, NULL, &s, &d),
        NZ_ESCHEMA);
    assert_non_null(strstr(d.text, "ambiguous"));

    /* equal copies (1 and 1.0 are the same number) */
    assert_int_equal(
        compile("{\"$defs\": {\"a\": {\"$id\": \"https://e.com/x\","
                " \"maximum\": 1}, \"b\": {\"$id\": \"https://e.com/x\","
                " \"maximum\": 1.0}}, \"$ref\": \"https://e.com/x\"}",
                NZ_DIALECT_AUTO, NULL, &s, &d),
        NZ_OK);
    assert_int_equal(check(s, "1"), 1);
    assert_int_equal(check(s, "2"), 0);
    nz_schema_unref(&s);

    /* not referenced: nothing to decide */
    assert_int_equal(
        compile("{\"$defs\": {\"a\": {\"$id\": \"https://e.com/x\","
                " \"type\": \"string\"}, \"b\": {\"$id\": \"https://e.com/x\","
                " \"type\": \"integer\"}}}",
                NZ_DIALECT_AUTO, NULL, &s, &d),
        NZ_OK);
    nz_schema_unref(&s);
}

/* A $schema of draft 3 (not supported) is read as the default draft with
 * a warning that names it; an error then says how the keywords were read,
 * since the warning is gone with the schema. */
static void compile_draft3_is_named(void **state)
{
    (void)state;
    nz_schema *s = NULL;
    nz_diag d;
    assert_int_equal(
        compile("{\"$schema\": \"http://json-schema.org/draft-03/schema#\","
                " \"type\": \"string\"}",
                NZ_DIALECT_AUTO, NULL, &s, &d),
        NZ_OK);
    assert_int_equal(nz_schema_warning_count(s), 1);
    assert_non_null(strstr(nz_schema_warning(s, 0)->text,
                           "draft 3 or older, which is not supported"));
    nz_schema_unref(&s);

    assert_int_equal(
        compile("{\"$schema\": \"http://json-schema.org/draft-03/schema#\","
                " \"required\": true}",
                NZ_DIALECT_AUTO, NULL, &s, &d),
        NZ_ESCHEMA);
    assert_string_equal(d.path, "/required");
    assert_non_null(strstr(d.text, "read as draft 2020-12"));

    /* an official $schema: no note */
    assert_int_equal(
        compile("{\"$schema\": \"http://json-schema.org/draft-07/schema#\","
                " \"required\": true}",
                NZ_DIALECT_AUTO, NULL, &s, &d),
        NZ_ESCHEMA);
    assert_null(strstr(d.text, "read as"));
}

/* From 2019-09 an "$id" that is only a fragment is not an identifier:
 * "#name" is read as an anchor and "#/a" ignored, each with a warning,
 * and neither claims the enclosing resource's URI a second time. */
static void compile_fragment_ids_from_2019_09(void **state)
{
    (void)state;
    nz_schema *s = NULL;
    nz_diag d;
    assert_int_equal(
        compile("{\"$id\": \"https://e.com/r\","
                " \"$defs\": {\"p\": {\"$id\": \"#port\", \"type\": \"integer\"}},"
                " \"properties\": {\"a\": {\"$id\": \"#/properties/a\","
                " \"type\": \"string\"}, \"port\": {\"$ref\": \"#port\"},"
                " \"b\": {\"$ref\": \"https://e.com/r#/properties/a\"}}}",
                NZ_DIALECT_2020_12, NULL, &s, &d),
        NZ_OK);
    assert_int_equal(nz_schema_warning_count(s), 2);
    assert_int_equal(check(s, "{\"port\": 1, \"a\": \"x\", \"b\": \"y\"}"), 1);
    assert_int_equal(check(s, "{\"port\": \"x\"}"), 0);
    assert_int_equal(check(s, "{\"b\": 1}"), 0);
    nz_schema_unref(&s);

    /* draft 7: "#name" is the draft's own way to name a subschema */
    assert_int_equal(
        compile("{\"$schema\": \"http://json-schema.org/draft-07/schema#\","
                " \"definitions\": {\"p\": {\"$id\": \"#port\", \"type\": \"integer\"}},"
                " \"properties\": {\"port\": {\"$ref\": \"#port\"}}}",
                NZ_DIALECT_AUTO, NULL, &s, &d),
        NZ_OK);
    assert_int_equal(nz_schema_warning_count(s), 0);
    assert_int_equal(check(s, "{\"port\": \"x\"}"), 0);
    nz_schema_unref(&s);
}

static void compile_schema_uri_spellings(void **state)
{
    (void)state;
    const char *spellings[] = {
        "http://json-schema.org/draft-04/schema#",
        "https://json-schema.org/draft-04/schema",
        "http://json-schema.org/draft-04/schema",
    };
    for (size_t i = 0; i < 3; i++) {
        char text[256];
        snprintf(text, sizeof text,
                 "{\"$schema\": \"%s\", \"type\": \"integer\"}", spellings[i]);
        nz_schema *s = NULL;
        nz_diag d;
        assert_int_equal(compile(text, NZ_DIALECT_AUTO, NULL, &s, &d), NZ_OK);
        assert_int_equal(nz_schema_dialect(s), NZ_DIALECT_DRAFT4);
        /* draft 4: 1.0 is not an integer */
        assert_int_equal(check(s, "1.0"), 0);
        assert_int_equal(check(s, "1"), 1);
        nz_schema_unref(&s);
    }
}

static void compile_registry_and_metaschema_refs(void **state)
{
    (void)state;
    nz_registry *reg = NULL;
    assert_int_equal(nz_registry_open(&reg), NZ_OK);
    nz_diag d;
    json_t *other = parse("{\"$id\": \"https://example.com/name\","
                          " \"type\": \"string\", \"minLength\": 1}");
    assert_int_equal(nz_registry_add(reg, "https://example.com/alias", other,
                                     &d),
                     NZ_OK);
    json_decref(other);
    nz_schema *s = NULL;
    assert_int_equal(
        compile("{\"properties\": {\"n\": {\"$ref\": \"https://example.com/name\"},"
                " \"m\": {\"$ref\": \"https://example.com/alias\"}}}",
                NZ_DIALECT_AUTO, reg, &s, &d),
        NZ_OK);
    /* compiled schemas do not need the registry any more */
    nz_registry_close(&reg);
    assert_null(reg);
    assert_int_equal(check(s, "{\"n\": \"x\", \"m\": \"y\"}"), 1);
    assert_int_equal(check(s, "{\"n\": \"\"}"), 0);
    assert_int_equal(check(s, "{\"m\": 1}"), 0);
    nz_schema_unref(&s);

    /* the bundled meta-schema validates schemas */
    assert_int_equal(
        compile("{\"$ref\": \"https://json-schema.org/draft/2020-12/schema\"}",
                NZ_DIALECT_AUTO, NULL, &s, &d),
        NZ_OK);
    assert_int_equal(check(s, "{\"type\": \"string\"}"), 1);
    assert_int_equal(check(s, "{\"type\": 12}"), 0);
    assert_int_equal(check(s, "{\"minLength\": -1}"), 0);
    assert_true(nz_schema_size(s) > 1000);
    nz_schema *s2 = nz_schema_ref(s);
    assert_ptr_equal(s2, s);
    nz_schema_unref(&s2);
    assert_null(s2);
    nz_schema_unref(&s);
    assert_int_equal(nz_registry_add(NULL, "x", NULL, &d), NZ_EINVAL);
}

/* Several threads compile against one registry at once; the first
 * reference to a mapped URI loads the file (under the registry's lock). */
struct compile_job {
    nz_registry *reg;
    int ok;
};

static void *compile_thread(void *arg)
{
    struct compile_job *job = arg;
    job->ok = 1;
    for (int i = 0; i < 20; i++) {
        nz_schema *s = NULL;
        nz_diag d;
        json_t *schema = json_pack(
            "{s:s}", "$ref", "https://schemas.example.com/v1/money.json");
        json_t *good = json_pack("{s:f, s:s}", "amount", 19.99, "currency",
                                 "EUR");
        json_t *bad = json_pack("{s:f, s:s}", "amount", 0.0075, "currency",
                                "EUR");
        if (nz_schema_compile(&s, schema, NULL, job->reg, &d) != NZ_OK ||
            nz_schema_check(s, good) != 1 || nz_schema_check(s, bad) != 0)
            job->ok = 0;
        nz_schema_unref(&s);
        json_decref(schema);
        json_decref(good);
        json_decref(bad);
    }
    return NULL;
}

static void compile_from_many_threads_with_one_registry(void **state)
{
    (void)state;
    nz_registry *reg = NULL;
    nz_diag d;
    assert_int_equal(nz_registry_open(&reg), NZ_OK);
    assert_int_equal(
        nz_registry_map(reg, "https://schemas.example.com/",
                        NZ_TESTDATA_DIR "/validate/ref_map_offline/remote",
                        &d),
        NZ_OK);
    pthread_t th[8];
    struct compile_job jobs[8];
    for (int i = 0; i < 8; i++) {
        jobs[i].reg = reg;
        assert_int_equal(pthread_create(&th[i], NULL, compile_thread,
                                        &jobs[i]),
                         0);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(jobs[i].ok, 1);
    }
    nz_registry_close(&reg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(compile_invalid_type_is_located),
        cmocka_unit_test(compile_unresolvable_ref_names_uri_and_place),
        cmocka_unit_test(compile_ref_cycle_terminates),
        cmocka_unit_test(compile_draft7_defs_via_ref),
        cmocka_unit_test(compile_ref_siblings_ignored_before_2019),
        cmocka_unit_test(compile_ambiguous_id_refused),
        cmocka_unit_test(compile_draft3_is_named),
        cmocka_unit_test(compile_fragment_ids_from_2019_09),
        cmocka_unit_test(compile_schema_uri_spellings),
        cmocka_unit_test(compile_registry_and_metaschema_refs),
        cmocka_unit_test(compile_from_many_threads_with_one_registry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
