/* URI references: RFC 3986 §5.4 resolution examples, fragments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/alloc.h"
#include "schema/uri.h"

static const char *const base = "http://a/b/c/d;p?q";

static void check(const char *ref, const char *want)
{
    char *got = nz_uri_resolve(base, ref);
    assert_non_null(got);
    if (strcmp(got, want) != 0)
        fail_msg("resolve(%s): got '%s', want '%s'", ref, got, want);
    nz_free(got);
}

static void uri_rfc3986_normal_examples(void **state)
{
    (void)state;
    /* §5.4.1 */
    check("g:h", "g:h");
    check("g", "http://a/b/c/g");
    check("./g", "http://a/b/c/g");
    check("g/", "http://a/b/c/g/");
    check("/g", "http://a/g");
    check("//g", "http://g");
    check("?y", "http://a/b/c/d;p?y");
    check("g?y", "http://a/b/c/g?y");
    check("#s", "http://a/b/c/d;p?q#s");
    check("g#s", "http://a/b/c/g#s");
    check("g?y#s", "http://a/b/c/g?y#s");
    check(";x", "http://a/b/c/;x");
    check("g;x", "http://a/b/c/g;x");
    check("g;x?y#s", "http://a/b/c/g;x?y#s");
    check("", "http://a/b/c/d;p?q");
    check(".", "http://a/b/c/");
    check("./", "http://a/b/c/");
    check("..", "http://a/b/");
    check("../", "http://a/b/");
    check("../g", "http://a/b/g");
    check("../..", "http://a/");
    check("../../", "http://a/");
    check("../../g", "http://a/g");
}

static void uri_rfc3986_abnormal_examples(void **state)
{
    (void)state;
    /* §5.4.2 */
    check("../../../g", "http://a/g");
    check("../../../../g", "http://a/g");
    check("/./g", "http://a/g");
    check("/../g", "http://a/g");
    check("g.", "http://a/b/c/g.");
    check(".g", "http://a/b/c/.g");
    check("g..", "http://a/b/c/g..");
    check("..g", "http://a/b/c/..g");
    check("./../g", "http://a/b/g");
    check("./g/.", "http://a/b/c/g/");
    check("g/./h", "http://a/b/c/g/h");
    check("g/../h", "http://a/b/c/h");
    check("g;x=1/./y", "http://a/b/c/g;x=1/y");
    check("g;x=1/../y", "http://a/b/c/y");
    check("g?y/./x", "http://a/b/c/g?y/./x");
    check("g?y/../x", "http://a/b/c/g?y/../x");
    check("g#s/./x", "http://a/b/c/g#s/./x");
    check("g#s/../x", "http://a/b/c/g#s/../x");
    check("http:g", "http:g"); /* strict parser */
}

static void uri_scheme_and_host_are_case_insensitive(void **state)
{
    (void)state;
    char *u = nz_uri_resolve(NULL, "HTTP://Example.COM/A/b");
    assert_string_equal(u, "http://example.com/A/b");
    nz_free(u);
}

static void uri_urn_base_and_fragments(void **state)
{
    (void)state;
    char *u = nz_uri_resolve("urn:uuid:deadbeef-1234", "#/$defs/a");
    assert_string_equal(u, "urn:uuid:deadbeef-1234#/$defs/a");
    nz_free(u);
    const char *frag;
    char *doc = nz_uri_strip_fragment("http://x/y.json#/a/b", &frag);
    assert_string_equal(doc, "http://x/y.json");
    assert_string_equal(frag, "/a/b");
    nz_free(doc);
    doc = nz_uri_strip_fragment("http://x/y.json", &frag);
    assert_null(frag);
    nz_free(doc);
    char *un = nz_uri_unescape("/a%25b/c%22d", 12);
    assert_string_equal(un, "/a%b/c\"d");
    nz_free(un);
    assert_true(nz_uri_is_absolute("file:///tmp/x.json"));
    assert_false(nz_uri_is_absolute("x.json#foo"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(uri_rfc3986_normal_examples),
        cmocka_unit_test(uri_rfc3986_abnormal_examples),
        cmocka_unit_test(uri_scheme_and_host_are_case_insensitive),
        cmocka_unit_test(uri_urn_base_and_fragments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
