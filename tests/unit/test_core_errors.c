/* Error codes: every code has a stable negative number, a name and a text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "normalize/normalize.h"

static const struct {
    int code;
    const char *name;
} all_codes[] = {
#define ENTRY_(name, value, text) {value, "E" #name},
    NZ_ERRNO_MAP(ENTRY_)
#undef ENTRY_
};

#define N_CODES (sizeof all_codes / sizeof all_codes[0])

static void errors_every_code_has_name_and_text(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_CODES; i++) {
        assert_true(all_codes[i].code < 0);
        assert_string_equal(nz_err_name(all_codes[i].code), all_codes[i].name);
        const char *text = nz_strerror(all_codes[i].code);
        assert_non_null(text);
        assert_true(strlen(text) > 3);
        assert_string_not_equal(text, "unknown error");
    }
}

static void errors_codes_are_distinct_and_dense(void **state)
{
    (void)state;
    /* Codes are appended as -1, -2, ...: no gaps, no reuse. */
    for (size_t i = 0; i < N_CODES; i++)
        assert_int_equal(all_codes[i].code, -(int)(i + 1));
}

static void errors_known_numbers_never_change(void **state)
{
    (void)state;
    /* Bindings and callers store these numbers: they are frozen. */
    assert_int_equal(NZ_EINVAL, -1);
    assert_int_equal(NZ_ENOMEM, -2);
    assert_int_equal(NZ_ESYNTAX, -4);
    assert_int_equal(NZ_EDUPKEY, -8);
    assert_int_equal(NZ_ETOOBIG, -10);
    assert_int_equal(NZ_EPIPE, -13);
}

static void errors_unknown_code(void **state)
{
    (void)state;
    assert_string_equal(nz_strerror(NZ_OK), "success");
    assert_string_equal(nz_err_name(NZ_OK), "OK");
    assert_string_equal(nz_strerror(-9999), "unknown error");
    assert_null(nz_err_name(-9999));
    assert_null(nz_err_name(42));
}

static void version_matches_header(void **state)
{
    (void)state;
    assert_string_equal(nz_version(), NZ_VERSION_STRING);
    assert_int_equal(nz_version_number(), NZ_VERSION_NUMBER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(errors_every_code_has_name_and_text),
        cmocka_unit_test(errors_codes_are_distinct_and_dense),
        cmocka_unit_test(errors_known_numbers_never_change),
        cmocka_unit_test(errors_unknown_code),
        cmocka_unit_test(version_matches_header),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
