/* Diagnostics: how they render, and how long texts are cut. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/diag_set.h"
#include "normalize/normalize.h"

static void diag_format_like_a_compiler(void **state)
{
    (void)state;
    nz_diag d;
    nz_position p = {3, 8, 42};
    nz_diag_set(&d, NZ_ESYNTAX, "data.ndjson", &p, "bad %s", "comma");
    char buf[256];
    int n = nz_diag_format(&d, buf, sizeof buf);
    assert_string_equal(buf, "data.ndjson:3:8: error: bad comma");
    assert_int_equal(n, (int)strlen(buf));
    assert_int_equal(d.offset, 42);
    assert_int_equal(d.code, NZ_ESYNTAX);
}

static void diag_format_with_path_and_without_position(void **state)
{
    (void)state;
    nz_diag d;
    nz_diag_set(&d, NZ_EIO, "<stdin>", NULL, "cannot read");
    nz_diag_set_path(&d, "/items/0");
    char buf[256];
    nz_diag_format(&d, buf, sizeof buf);
    assert_string_equal(buf, "<stdin>: error: cannot read (at /items/0)");
}

static void diag_format_warning_and_default_text(void **state)
{
    (void)state;
    nz_diag d;
    nz_diag_clear(&d);
    d.code = NZ_EDUPKEY;
    d.severity = NZ_SEVERITY_WARNING;
    d.line = 2;
    char buf[256];
    nz_diag_format(&d, buf, sizeof buf);
    assert_string_equal(buf, "<input>:2: warning: duplicate object key");
}

static void diag_format_reports_needed_length(void **state)
{
    (void)state;
    nz_diag d;
    nz_position p = {1, 1, 0};
    nz_diag_set(&d, NZ_ESYNTAX, "f", &p, "0123456789");
    char small[8];
    int n = nz_diag_format(&d, small, sizeof small);
    assert_int_equal(n, (int)strlen("f:1:1: error: 0123456789"));
    assert_string_equal(small, "f:1:1: ");
    assert_int_equal(nz_diag_format(NULL, small, sizeof small), NZ_EINVAL);
}

static void diag_long_text_cut_at_character_boundary(void **state)
{
    (void)state;
    /* 600 two-byte characters: cut must not split one, and must say so. */
    char text[1300];
    for (int i = 0; i < 600; i++)
        memcpy(text + 2 * i, "\xC3\xA9", 2);
    text[1200] = '\0';
    nz_diag d;
    nz_diag_set(&d, NZ_ESYNTAX, "f", NULL, "%s", text);
    size_t len = strlen(d.text);
    assert_true(len < NZ_DIAG_TEXT_MAX);
    assert_memory_equal(d.text + len - 3, "...", 3);
    assert_int_equal((len - 3) % 2, 0); /* whole characters only */
}

static void diag_set_accepts_null(void **state)
{
    (void)state;
    assert_int_equal(nz_diag_set(NULL, NZ_EIO, "x", NULL, "y"), NZ_EIO);
    nz_diag_clear(NULL);
    nz_diag_set_path(NULL, "/a");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(diag_format_like_a_compiler),
        cmocka_unit_test(diag_format_with_path_and_without_position),
        cmocka_unit_test(diag_format_warning_and_default_text),
        cmocka_unit_test(diag_format_reports_needed_length),
        cmocka_unit_test(diag_long_text_cut_at_character_boundary),
        cmocka_unit_test(diag_set_accepts_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
